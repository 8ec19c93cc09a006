"""Speed and memory measurements of backup_client against plain Python.

Not tests: run ``python -m benchmarks`` from the repository root and read
the table it prints (README.md in this folder explains each workload).
"""
