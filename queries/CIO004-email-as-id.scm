; CIO004 email-as-id: not implemented yet.
