"""HSDS (Open Referral) shapes of the directory: the table registry and the nested JSON the API
serves and the exporter writes. Integrations import from here; nothing here imports them."""
