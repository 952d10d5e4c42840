; CIO012 pii-in-event-name: not implemented yet.
