namespace VtdEmu.Iommu.Tests.Intel;

/// <summary>A present legacy context entry as <see cref="ReferenceDecoder"/> reads it.</summary>
internal readonly record struct DecodedContext(bool Fpd, int TranslationType, ulong Slptptr, int AddressWidth, ushort DomainId, ulong ReservedLo, ulong ReservedHi);
