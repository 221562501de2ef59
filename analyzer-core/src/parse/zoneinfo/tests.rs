use super::*;

/// From a 3.10 (RHEL7) kernel: no per-node stats, 4-space zone counters, `scanned`, and the
/// trailing `all_unreclaimable`/`inactive_ratio` lines.
const RHEL7: &str = "\
Node 0, zone      DMA
  pages free     3968
        min      33
        low      41
        high     49
        scanned  0
        spanned  4095
        present  3998
        managed  3977
    nr_free_pages 3968
    nr_alloc_batch 8
        protection: (0, 2816, 7813, 7813)
  pagesets
    cpu: 0
              count: 0
              high:  0
              batch: 1
    cpu: 1 pcp: 0
              count: 3
              high:  186
              batch: 31
  vm stats threshold: 6
  all_unreclaimable: 1
  start_pfn:         1
  inactive_ratio:    1
";

#[test]
fn rhel7_zone_has_watermarks_stats_and_protection() {
    let info = parse(RHEL7);
    assert!(info.unparsed.is_empty(), "{:?}", info.unparsed);
    let dma = info.zone(0, "DMA").unwrap();
    // The per-cpu `high:` lines of the pagesets do not overwrite the watermark.
    assert_eq!((dma.free, dma.min, dma.low, dma.high), (Some(3968), Some(33), Some(41), Some(49)));
    assert_eq!(dma.managed, Some(3977));
    assert_eq!(dma.protection, vec![0, 2816, 7813, 7813]);
    assert_eq!(dma.stats.get("nr_alloc_batch"), Some(&8));
    assert_eq!(dma.stats.get("all_unreclaimable"), Some(&1));
    assert_eq!(dma.stats.get("scanned"), Some(&0));
    assert!(dma.node_stats.is_empty());
    assert_eq!(dma.line, 1);
}

#[test]
fn per_node_stats_and_unlabelled_line() {
    let text = "\
Node 0, zone      DMA
  per-node stats
      nr_inactive_anon 50
      nr_written   260861
                   537792
  pages free     3975
        boost    0
        min      33
        cma      0
        protection: (0, 3828, 7894, 7894, 7894)
      nr_free_pages 3975
";
    let info = parse(text);
    let dma = &info.zones[0];
    assert_eq!(dma.node_stats.get("nr_written"), Some(&260_861));
    assert_eq!(dma.stats.get("nr_free_pages"), Some(&3975));
    assert!(!dma.stats.contains_key("nr_inactive_anon"));
    assert_eq!((dma.boost, dma.cma, dma.free), (Some(0), Some(0), Some(3975)));
    assert_eq!(info.unparsed, vec![Unparsed::new(5, "                   537792")]);
}

#[test]
fn helpers_and_garbage() {
    let info = parse("junk\nNode 1, zone Normal\n pages free 5\n min 10\n low 12\n");
    assert_eq!(info.unparsed.len(), 1);
    let z = info.zone(1, "Normal").unwrap();
    assert!(z.below_min() && z.below_low());
    assert!(!z.is_populated());
    assert_eq!(info.total_min_pages(), 10);
    assert!(key_value("nr_written").is_err());
    assert!(header("Node x, zone DMA").is_err());
}
