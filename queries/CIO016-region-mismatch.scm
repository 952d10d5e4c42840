; CIO016 region-mismatch: not implemented yet.
