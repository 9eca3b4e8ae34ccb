//! Replay a capture and print its streams and ruptures.
//!
//!     cargo run --example replay -- [FILE] [--local ADDR]...
//!
//! FILE defaults to the bundled demo (examples/data/demo.pcap.gz, local 10.0.0.1).
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut path = None;
    let mut local: Vec<String> = Vec::new();
    while let Some(a) = args.next() {
        if a == "--local" {
            local.push(args.next().ok_or("--local needs an address")?);
        } else {
            path = Some(PathBuf::from(a));
        }
    }
    let path = path.unwrap_or_else(|| {
        if local.is_empty() {
            local.push("10.0.0.1".into());
        }
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../examples/data/demo.pcap.gz")
    });
    let local: Vec<&str> = local.iter().map(String::as_str).collect();

    let report = rupture::replay(&path, &local)?;
    println!("{}: {} records, {:.1} s", path.display(), report.input.records, report.duration_s());
    for s in &report.streams {
        println!(
            "  {:>10} {:<8} {:<5} {:<5} {:>21} -> {:<21} packets {:>6} lost {:>4} jitter {:.2} ms",
            s.ssrc, s.direction, s.media, s.codec, s.src, s.dst, s.packets, s.lost, s.jitter_ms
        );
    }
    if !rupture::HAS_RUPTURES {
        println!("(this librupture has no rupture detection yet)");
    }
    for r in &report.ruptures {
        let end = r.end_us.map_or("ongoing".to_string(), |e| format!("{:.1} s", report.rel_s(e)));
        println!(
            "  #{} {} ({}, {}) {} {:.1} s .. {} -> {}",
            r.id,
            r.rupture_type,
            r.cause,
            r.severity,
            r.direction,
            report.rel_s(r.start_us),
            end,
            r.repair
        );
    }
    println!("{} ruptures, {:.1} s in ruptures", report.summary.rupture_count, report.summary.rupture_time_s);
    if let Some(e) = report.trace_error {
        eprintln!("capture damaged: {e}");
    }
    Ok(())
}
