"""`python -m anju.domain.costshare --input quote.json`."""

import sys

from .cli import main

sys.exit(main())
