"""evalcli: check and compile ILO evaluation summaries."""

__version__ = "0.1.0"
