using Keycard.BenchTool;

// bench-tool codes  --database FILE --client ID --user-id N --count N --lifetime 00:30:00 --out FILE
// bench-tool hash-cost --count N
// bench-tool sign-cost [--seconds 1]
return args.FirstOrDefault() switch
{
    "codes" => await CodeSeeder.RunAsync(Arguments.Parse(args[1..])),
    "hash-cost" => HashCost.Run(Arguments.Parse(args[1..])),
    "sign-cost" => SignCost.Run(Arguments.Parse(args[1..])),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: bench-tool codes --database FILE --client ID --user-id N --count N [--lifetime 00:30:00] --out FILE");
    Console.Error.WriteLine("       bench-tool hash-cost [--count 20]");
    Console.Error.WriteLine("       bench-tool sign-cost [--seconds 1]");
    return 2;
}
