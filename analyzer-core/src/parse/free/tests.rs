use super::*;

const OLD_TWO_BLOCKS: &str = "\
# free -m
             total       used       free     shared    buffers     cached
Mem:          1877        859       1017          0         70        557
-/+ buffers/cache:        231       1645
Swap:         4031          0       4031

# man free
The -b switch displays the amount of memory in bytes
# free
             total       used       free     shared    buffers     cached
Mem:       1922088     880052    1042036        204      72068     570672
-/+ buffers/cache:     237312    1684776
Swap:      4128764          0    4128764
";

const MIB: u64 = 1 << 20;

#[test]
fn old_layout_with_prompts_and_junk() {
    let free = parse(OLD_TWO_BLOCKS);
    assert_eq!(free.blocks.len(), 2);
    let first = &free.blocks[0];
    assert_eq!((first.layout, first.unit.as_str(), first.line), (FreeLayout::Old, "MiB", 2));
    assert_eq!(first.mem.total, Some(1877 * MIB));
    assert_eq!(first.mem.cached, Some(557 * MIB));
    assert_eq!(first.buffers_cache, Some((231 * MIB, 1645 * MIB)));
    assert_eq!(first.available_bytes(), Some(1645 * MIB));
    let second = &free.blocks[1];
    assert_eq!(second.unit, "KiB");
    assert_eq!(second.mem.shared, Some(204 * 1024));
    assert_eq!(second.swap.as_ref().and_then(|s| s.free), Some(4_128_764 * 1024));
    let junk: Vec<u64> = free.unparsed.iter().map(|u| u.line).collect();
    assert_eq!(junk, vec![7, 8]);
    assert_eq!(free.most_precise().map(|b| b.line), Some(10));
}

#[test]
fn new_layout_with_15_space_header_and_human_units() {
    let text = "               total        used        free      shared  buff/cache   available
Mem:            15Gi       4.1Gi       1.2Gi       312Mi        10Gi        11Gi
Swap:          2.0Gi          0B       2.0Gi
";
    let free = parse_with_unit(text, FreeUnit::Human);
    let block = &free.blocks[0];
    assert_eq!(block.layout, FreeLayout::New);
    assert_eq!(block.unit, "human");
    assert_eq!(block.mem.total, Some(15 << 30));
    assert_eq!(block.mem.used, Some(4_402_341_478)); // 4.1 × 2^30, rounded
    assert_eq!(block.mem.shared, Some(312 * MIB));
    assert_eq!(block.mem.cache_total(), Some(10 << 30));
    assert_eq!(block.swap.as_ref().and_then(|s| s.used), Some(0));
    assert!(free.unparsed.is_empty());
}

#[test]
fn wide_bytes_with_values_wider_than_header() {
    let text = "$  free -wb
              total        used        free      shared     buffers       cache   available
Mem:    34283200512  5818839040 28229505024    18145280    34848768   200007680 28327419904
Swap:    4294967296           0  4294967296
";
    let free = parse(text);
    let block = &free.blocks[0];
    assert_eq!((block.layout, block.unit.as_str()), (FreeLayout::Wide, "B"));
    assert_eq!(block.mem.cached, Some(200_007_680));
    assert_eq!(block.mem.available, Some(28_327_419_904));
}

#[test]
fn values_and_units() {
    assert_eq!(value_bytes("1.5Gi", FreeUnit::KiB), Some(1_610_612_736));
    assert_eq!(value_bytes("1.5G", FreeUnit::KiB), Some(1_610_612_736));
    assert_eq!(value_bytes("512M", FreeUnit::Bytes), Some(512 * MIB));
    assert_eq!(value_bytes("0B", FreeUnit::MiB), Some(0));
    assert_eq!(value_bytes("3", FreeUnit::MiB), Some(3 * MIB));
    assert_eq!(value_bytes("99999999999999999999", FreeUnit::TiB), None);
    assert_eq!(value_bytes("1.5X", FreeUnit::KiB), None);
    assert_eq!(FreeUnit::from_command_line("# free -m"), Some(FreeUnit::MiB));
    assert_eq!(FreeUnit::from_command_line("$  free -hw"), Some(FreeUnit::Human));
    assert_eq!(FreeUnit::from_command_line("# /usr/bin/free -k"), Some(FreeUnit::KiB));
    assert_eq!(FreeUnit::from_command_line("# man free"), None);
    assert_eq!(FreeUnit::from_command_line("free -h --si"), Some(FreeUnit::HumanSi));
    assert_eq!(FreeUnit::from_command_line("free -s 1"), None);
    assert_eq!(FreeUnit::from_command_line("free -x-m"), None);
    assert_eq!(FreeUnit::of_file_name("sos_commands/memory/free_-m"), FreeUnit::MiB);
    assert_eq!(FreeUnit::of_file_name("sos_commands/memory/free"), FreeUnit::KiB);
    assert_eq!(FreeUnit::of_file_name("free-wide-bytes-haskell-comment.txt"), FreeUnit::KiB);
    assert_eq!(FreeUnit::of_file_name("free_-h_--si"), FreeUnit::HumanSi);
    assert_eq!(value_bytes("1.6G", FreeUnit::HumanSi), Some(1_600_000_000));
    assert_eq!(value_bytes("1.5Gi", FreeUnit::HumanSi), Some(1_610_612_736));
    assert_eq!(FreeUnit::from_command_line("total used free shared"), None);
}

#[test]
fn rows_without_header_are_unparsed() {
    let free = parse("Mem:  1 2 3\n");
    assert!(free.blocks.is_empty());
    assert_eq!(free.unparsed.len(), 1);
}

#[test]
fn unlabelled_bytes_output_is_recognised() {
    let text = "              total        used        free      shared     buffers       cache   available
Mem:    34283200512  5818839040 28229505024    18145280    34848768   200007680 28327419904
Swap:    4294967296           0  4294967296
";
    let block = &parse(text).blocks[0];
    assert_eq!(block.unit, "B");
    assert_eq!(block.mem.total, Some(34_283_200_512));
    assert_eq!(block.swap.as_ref().and_then(|s| s.total), Some(4_294_967_296));
    // KiB numbers that happen to include multiples of 1024 stay KiB.
    let kib = parse("              total        used        free\nMem:  2048 1024 1000\n");
    assert_eq!(kib.blocks[0].unit, "KiB");
    assert_eq!(
        parse_with_unit(
            "              total        used        free\nMem:  2048 1024 3072\n",
            FreeUnit::MiB
        )
        .blocks[0]
            .unit,
        "MiB"
    );
}

#[test]
fn one_line_form_of_procps_4() {
    let free = parse(
        "# free -L\nSwapUse           0 CachUse     5318704  MemUse     6201700 MemFree      532648\n",
    );
    let block = &free.blocks[0];
    assert_eq!((block.layout, block.unit.as_str()), (FreeLayout::Line, "KiB"));
    assert_eq!(block.mem.used, Some(6_201_700 * 1024));
    assert_eq!(block.mem.buff_cache, Some(5_318_704 * 1024));
    assert_eq!(block.swap_used_bytes(), Some(0));
    // A table row after a -L line has no header to belong to.
    assert_eq!(parse("SwapUse 0 CachUse 1 MemUse 2 MemFree 3\nMem: 1 2 3\n").unparsed.len(), 1);
}
