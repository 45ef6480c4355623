using Keycard.Server.Cli;

// `keycard serve` runs the server; `keycard client|user|tokens …` administer the same database.
// A bare `keycard` serves too, which is also how WebApplicationFactory<Program> starts it in tests.
return await KeycardCli.RunAsync(args);

/// <summary>The entry point, named for <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
