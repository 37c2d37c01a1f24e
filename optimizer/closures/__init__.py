"""Stage 4 of 11: which schools stay, close or change; who goes where; why there is no plan."""
