"""``python -m geodata.synthetic``: generate the demo county (see :func:`main`)."""

from geodata.synthetic.cli import main

raise SystemExit(main())
