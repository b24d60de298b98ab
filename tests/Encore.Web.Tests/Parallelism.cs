// Each test class is one collection with its own app and database, so classes run side by side safely.
// Most of a test's time is spent waiting on PostgreSQL (another process) or SQLite's write lock, not on the
// CPU: two collections per core keep both providers' classes moving on a 2-core machine instead of one
// class per core waiting on I/O (measured: the whole suite on both databases ran faster with 4 than with 2).
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerClass, MaxParallelThreads = 4)]
