#!/usr/bin/env python
"""Django's command-line utility; `oneroof` (oneroof.cli) is the same with a nicer name."""

from oneroof.cli import main

if __name__ == "__main__":
    main()
