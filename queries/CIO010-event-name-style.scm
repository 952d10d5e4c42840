; CIO010 event-name-style: not implemented yet.
