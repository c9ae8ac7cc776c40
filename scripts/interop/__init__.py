"""The interop runner behind scripts/interop_matrix.py (its docstring has the command line)."""
