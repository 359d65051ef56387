namespace VtdEmu.Iommu.Tests.Intel;

/// <summary>
/// What <see cref="ReferenceDecoder"/> reads for one requester: a legacy context entry, or in scalable mode the
/// RID_PASID entry behind the scalable context entry mapped onto the same fields (TranslationType 0/1 = translated
/// without/with DTE, 2 = pass-through; Slptptr = the table walked; AddressWidth = levels − 2; FirstLevel for PGTT 001).
/// </summary>
internal readonly record struct DecodedContext(bool Fpd, int TranslationType, ulong Slptptr, int AddressWidth, ushort DomainId, ulong ReservedLo, ulong ReservedHi, bool FirstLevel = false);
