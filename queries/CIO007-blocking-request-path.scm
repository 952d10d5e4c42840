; CIO007 blocking-request-path: not implemented yet.
