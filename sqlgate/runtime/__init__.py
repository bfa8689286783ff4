"""What runs a model version: loading it from its directory and calling its functions on Arrow
batches. The gateway uses it in-process today; service replicas and containers will too."""
