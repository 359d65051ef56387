using VtdEmu.Iommu;
using VtdEmu.Iommu.Tests.Fakes;
using VtdEmu.Iommu.Topology;

namespace VtdEmu.Iommu.Tests;

/// <summary>
/// Concurrency (spec-notes/iommu-core.md "Locking"): calls on one group are serialised, so racing calls end in one of
/// the serial outcomes; calls on different groups do not wait for each other. Real threads, bounded iterations.
/// </summary>
public sealed partial class IommuCoreTests
{
    private const int RaceIterations = 200;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public void DeviceClaimDmaOwner_ConcurrentSameToken_BothSucceedBlockingAttachedOnce()
    {
        // Scenario 10.
        for (int i = 0; i < RaceIterations; i++)
        {
            CoreRig rig = CoreRig.Pair();
            IommuGroup g = rig.Group("A");
            int attaches = rig.Driver.AttachCallCount;
            (LinuxError ra, LinuxError rb) = Race(
                () => rig.Core.DeviceClaimDmaOwner(rig.Dev("A"), s_t),
                () => rig.Core.DeviceClaimDmaOwner(rig.Dev("B"), s_t));

            Assert.Equal((LinuxError.Success, LinuxError.Success), (ra, rb));
            Assert.Equal((s_t, 2u, g.BlockingDomain), (g.Owner, g.OwnerCnt, g.Domain));
            Assert.Equal(attaches + 2, rig.Driver.AttachCallCount);
        }
    }

    [Fact]
    public void GroupClaimDmaOwner_RacingBind_OnlySerialOutcomes()
    {
        // Scenario 11.
        for (int i = 0; i < RaceIterations; i++)
        {
            CoreRig rig = CoreRig.Pair();
            IommuGroup g = rig.Group("A");
            (LinuxError claim, LinuxError bind) = Race(
                () => rig.Core.GroupClaimDmaOwner(g, s_t),
                () => rig.Core.BindDriver(rig.Dev("B"), false));

            if (claim == LinuxError.Success)
            {
                Assert.Equal(LinuxError.EBUSY, bind);
                Assert.Equal((s_t, 1u, g.BlockingDomain), (g.Owner, g.OwnerCnt, g.Domain));
            }
            else
            {
                Assert.Equal((LinuxError.EPERM, LinuxError.Success), (claim, bind));
                Assert.Equal((null, 1u, g.DefaultDomain), (g.Owner, g.OwnerCnt, g.Domain));
            }

            rig.AssertProgrammed(g);
        }
    }

    [Fact]
    public void BindAndClaim_ManyThreadsOneGroup_CountsBalanceAndInvariantsHold()
    {
        CoreRig rig = CoreRig.Pair();
        IommuGroup g = rig.Group("A");
        IommuDevice[] devs = [rig.Dev("A"), rig.Dev("B")];
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.Length; t++)
        {
            int id = t;
            threads[t] = new Thread(() =>
            {
                for (int i = 0; i < 500; i++)
                {
                    if (id < 2)
                    {
                        if (rig.Core.BindDriver(devs[id], false) == LinuxError.Success)
                        {
                            rig.Core.UnbindDriver(devs[id]);
                        }
                    }
                    else if (rig.Core.DeviceClaimDmaOwner(devs[id - 2], s_t) == LinuxError.Success)
                    {
                        rig.Core.DeviceReleaseDmaOwner(devs[id - 2]);
                    }
                }
            });
        }

        foreach (Thread thread in threads)
        {
            thread.Start();
        }

        foreach (Thread thread in threads)
        {
            Assert.True(thread.Join(s_timeout));
        }

        Assert.Equal((null, 0u, g.DefaultDomain), (g.Owner, g.OwnerCnt, g.Domain));
        Assert.Equal(0, rig.Core.Diagnostics.WarnCount);
        rig.AssertProgrammed(g);
    }

    [Fact]
    public void Calls_OnDifferentGroups_ProceedWhileOneGroupIsBusy()
    {
        // G1's claim is held inside the driver; a claim on G2 completes meanwhile, a bind on G1 waits and then sees
        // the serial outcome (EBUSY after the claim).
        PciTopology t = new();
        t.AddEndpoint(null, new PciBdf(0, 2, 0), name: "A", acs: true);
        t.AddEndpoint(null, new PciBdf(0, 3, 0), name: "C", acs: true);
        CoreRig rig = new(t);
        using ManualResetEventSlim entered = new();
        using ManualResetEventSlim gate = new();
        rig.Driver.FailAttachWhen = (dev, dom) =>
        {
            if (dev.Name == "A" && dom.Kind == IommuDomainType.Blocked)
            {
                entered.Set();
                Assert.True(gate.Wait(s_timeout));
            }

            return false;
        };

        LinuxError claimA = LinuxError.EIO;
        LinuxError bindA = LinuxError.EIO;
        Thread holder = new(() => claimA = rig.Core.GroupClaimDmaOwner(rig.Group("A"), s_t));
        holder.Start();
        Assert.True(entered.Wait(s_timeout));

        Thread waiter = new(() => bindA = rig.Core.BindDriver(rig.Dev("A"), false));
        waiter.Start();
        Assert.Equal(LinuxError.Success, rig.Core.GroupClaimDmaOwner(rig.Group("C"), s_t2));
        Assert.Equal(s_t2, rig.Group("C").Owner);
        Assert.True(waiter.IsAlive);

        gate.Set();
        Assert.True(holder.Join(s_timeout));
        Assert.True(waiter.Join(s_timeout));
        Assert.Equal((LinuxError.Success, LinuxError.EBUSY), (claimA, bindA));
    }

    private static (LinuxError First, LinuxError Second) Race(Func<LinuxError> first, Func<LinuxError> second)
    {
        using Barrier barrier = new(2);
        LinuxError r1 = LinuxError.EIO;
        LinuxError r2 = LinuxError.EIO;
        Thread t1 = new(() =>
        {
            barrier.SignalAndWait();
            r1 = first();
        });
        Thread t2 = new(() =>
        {
            barrier.SignalAndWait();
            r2 = second();
        });
        t1.Start();
        t2.Start();
        Assert.True(t1.Join(s_timeout));
        Assert.True(t2.Join(s_timeout));
        return (r1, r2);
    }
}
