namespace VtdEmu.Iommu.Tests.Intel;

/// <summary>A present second-level translation as <see cref="ReferenceDecoder"/> reads it.</summary>
internal readonly record struct DecodedLeaf(ulong PhysicalAddress, ulong PageSize, bool Read, bool Write);
