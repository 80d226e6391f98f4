"""Rules without I/O: leerplicht age, deadlines, thuiszitter signals, retention. Enums."""
