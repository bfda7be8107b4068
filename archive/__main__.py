"""`python -m archive`: the `kyso` command without the console script installed."""

from archive.cli import main

if __name__ == "__main__":
    main(prog_name="kyso")
