"""`python -m anju.domain.consent --input vote.json`."""

import sys

from .cli import main

sys.exit(main())
