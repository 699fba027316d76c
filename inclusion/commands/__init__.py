"""The command line's plumbing, shared by `inclusion/cli.py` and the features' commands."""
