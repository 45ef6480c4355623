using System.Diagnostics.CodeAnalysis;

namespace Keycard.Core.Errors;

/// <summary>Either a value or a <see cref="ProtocolError"/>; the core never throws for bad input.</summary>
public readonly struct Result<T>
{
    private Result(T? value, ProtocolError? error)
    {
        Value = value;
        Error = error;
    }

    public T? Value { get; }

    public ProtocolError? Error { get; }

    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Error is null;

    public static Result<T> Success(T value) => new(value, null);

    public static Result<T> Failure(ProtocolError error) => new(default, error);

    public static implicit operator Result<T>(ProtocolError error) => Failure(error);

    public static implicit operator Result<T>(T value) => Success(value);
}
