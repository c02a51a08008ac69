"""``python -m sandbox`` runs the command line."""

from .cli import main

main()
