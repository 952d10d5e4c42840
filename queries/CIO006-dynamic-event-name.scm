; CIO006 dynamic-event-name: not implemented yet.
