using System.Numerics;

namespace VtdEmu.Iommu.Intel;

/// <summary>
/// One device's PASID directory and its PASID tables in guest memory (VT-d spec §3.4.3, §9.5, §9.6; Linux
/// <c>intel_pasid_alloc_table</c> / <c>intel_pasid_get_entry</c>). The directory is sized as Linux sizes it: enough
/// 8-byte entries for the device's PASIDs rounded up to whole pages, at least one page (512 entries, 32768 PASIDs);
/// PASID tables (64 entries of 64 bytes) are allocated when a PASID in their range is first programmed.
/// Guarded by the driver's lock.
/// </summary>
internal sealed class IntelPasidTable
{
    private readonly IntelIommuDriver _driver;
    private readonly int _pages;

    private IntelPasidTable(IntelIommuDriver driver, ulong directory, int pages)
    {
        _driver = driver;
        Directory = directory;
        _pages = pages;
    }

    /// <summary>Guest-physical address of the directory (the context entry's PASIDDIRPTR).</summary>
    public ulong Directory { get; }

    /// <summary>PASIDs the directory covers.</summary>
    public uint MaxPasid => (uint)(_pages * (int)GuestPageAllocator.PageSize / ScalableEntries.DirectoryEntrySize * ScalableEntries.PasidsPerTable);

    /// <summary>Context-entry PDTS: log2(directory entries) − 7.</summary>
    public int Pdts => BitOperations.Log2(MaxPasid / ScalableEntries.PasidsPerTable) - 7;

    /// <summary>
    /// Allocates the directory for a device whose PASID capability allows <paramref name="devicePasids"/> PASIDs
    /// (0 = no PASID support), limited by <paramref name="unitPasids"/>.
    /// </summary>
    public static IntelPasidTable? Allocate(IntelIommuDriver driver, uint devicePasids, uint unitPasids)
    {
        ulong maxPasid = Math.Min(devicePasids, unitPasids);
        ulong bytes = maxPasid / ScalableEntries.PasidsPerTable * ScalableEntries.DirectoryEntrySize;
        int pages = (int)Math.Max(1, BitOperations.RoundUpToPowerOf2((bytes + GuestPageAllocator.PageSize - 1) / GuestPageAllocator.PageSize));
        return driver.Pages.TryAllocateContiguous(pages, out ulong directory) ? new IntelPasidTable(driver, directory, pages) : null;
    }

    /// <summary>
    /// The address of <paramref name="pasid"/>'s entry; with <paramref name="allocate"/> a missing PASID table is
    /// allocated and linked (directory entry written present). 0 = beyond the directory, or not allocated.
    /// </summary>
    public ulong EntryAddress(uint pasid, bool allocate)
    {
        if (pasid >= MaxPasid)
        {
            return 0;
        }

        ulong slot = Directory + ((ulong)(pasid / ScalableEntries.PasidsPerTable) * ScalableEntries.DirectoryEntrySize);
        if (!_driver.Memory.TryRead64(slot, out ulong dirEntry))
        {
            return 0;
        }

        if ((dirEntry & LegacyEntries.Present) == 0)
        {
            if (!allocate || !_driver.Pages.TryAllocate(out ulong table))
            {
                return 0;
            }

            dirEntry = ScalableEntries.DirectoryEntry(table);
            _ = _driver.Memory.TryWrite64(slot, dirEntry);
        }

        return (dirEntry & LegacyEntries.AddressMask) + ((ulong)(pasid % ScalableEntries.PasidsPerTable) * PasidEntryWords.Size);
    }

    /// <summary>Returns the PASID tables and the directory to the allocator.</summary>
    public void Free()
    {
        ulong entries = (ulong)_pages * GuestPageAllocator.PageSize / ScalableEntries.DirectoryEntrySize;
        for (ulong i = 0; i < entries; i++)
        {
            if (_driver.Memory.TryRead64(Directory + (i * ScalableEntries.DirectoryEntrySize), out ulong e) && (e & LegacyEntries.Present) != 0)
            {
                _driver.Pages.Free(e & LegacyEntries.AddressMask);
            }
        }

        for (int p = 0; p < _pages; p++)
        {
            _driver.Pages.Free(Directory + ((ulong)p * GuestPageAllocator.PageSize));
        }
    }
}
