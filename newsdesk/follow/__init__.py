"""Following the desk: accounts, read state, watchlists, alerts and digests."""
