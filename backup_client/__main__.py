"""``python -m backup_client``: the ``backup-client`` command."""

import sys

from backup_client.cli import main

if __name__ == "__main__":
    sys.exit(main())
