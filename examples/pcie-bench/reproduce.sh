#!/bin/sh
# Rebuilds pcie-bench.csv and pcie-bench.svg: the calibrated broadwell preset swept over pcie-bench's
# windows (random 64 B DMA reads), beside pcie-bench's measured Cold rows (Apache-2.0, see README.md).
# Usage: examples/pcie-bench/reproduce.sh   (VTDEMU=vtdemu to use an installed tool instead of dotnet run)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
golden="$here/../../tests/VtdEmu.Workloads.Tests/Golden/pcie-bench"
vtdemu=${VTDEMU:-"dotnet run -c Release --project $here/../../src/VtdEmu.Cli --"}
windows=4K,16K,256K,512K,1M,1536K,2M,3M,4M,8M,16M,32M,64M
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

sweep() {
    $vtdemu sweep --preset broadwell --pattern random --access-size 64 --direction read \
        --windows "$windows" --dmas 8388608 --format csv "$@"
}
sweep --page-size 4K --translation on,off > "$tmp/4k.csv"
sweep --page-size 2M --translation on > "$tmp/2m.csv"

# The sweep rows, labelled by translation and page size; columns found by name.
modelled() {
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        { label = $c["translation"] == "off" ? "no IOMMU (modelled)" : "IOMMU " $c["page_size"] " pages (modelled)"
          print $c["window_bytes"] "," $c["gbit_per_s"] "," $c["dmas_per_s"] "," label }' "$1"
}

# pcie-bench's Cold rows: WinSZ (column 6), BW in Gb/s (12), Trans/s (13).
measured() {
    awk -F, -v label="$2" 'NR > 1 && $3 == "Cold" { printf "%d,%.3f,%.0f,%s\n", $6, $12, $13, label }' "$golden/$1"
}

{
    echo "window_bytes,gbit_per_s,dmas_per_s,source"
    measured broadwell-iommu-4k_bw_dma_win_sweep_rd_rnd_64.csv "IOMMU 4K pages (measured)"
    modelled "$tmp/4k.csv" | grep "IOMMU 4K"
    modelled "$tmp/2m.csv"
    measured broadwell-no-iommu_bw_dma_win_sweep_rd_rnd_64.csv "no IOMMU (measured)"
    modelled "$tmp/4k.csv" | grep "no IOMMU"
} > "$here/pcie-bench.csv"

$vtdemu plot "$here/pcie-bench.csv" --x window_bytes --y gbit_per_s --series source --log-x \
    --title "Random 64 B DMA reads, Broadwell + NFP-6000: pcie-bench measured vs vtdemu modelled" \
    -o "$here/pcie-bench.svg"
