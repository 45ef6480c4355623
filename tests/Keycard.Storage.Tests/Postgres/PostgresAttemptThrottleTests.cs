using Keycard.Storage.Tests.Contracts;
using Keycard.Storage.Tests.Infrastructure;

namespace Keycard.Storage.Tests.Postgres;

public sealed class PostgresAttemptThrottleTests(PostgresTestDatabase database) : AttemptThrottleContract<PostgresTestDatabase>(database);
