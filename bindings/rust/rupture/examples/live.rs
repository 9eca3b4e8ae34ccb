//! Live use: push RTP as it arrives, get events through callbacks, and let
//! time pass with `next_deadline` / `advance` when nothing arrives.
//!
//!     cargo run --example live
//!
//! The "network" here is simulated: 20 ms G.711 packets of one inbound
//! stream, with a 2-second outage in the middle. The clock is injected.
use rupture::{Callbacks, Direction, Event, Session, Settings};

fn pcmu(seq: u16, ssrc: u32) -> Vec<u8> {
    let mut p = vec![0x80, 0x00];
    p.extend_from_slice(&seq.to_be_bytes());
    p.extend_from_slice(&(u32::from(seq) * 160).to_be_bytes());
    p.extend_from_slice(&ssrc.to_be_bytes());
    p.extend_from_slice(&[0xff; 160]);
    p
}

fn main() -> rupture::Result<()> {
    let callbacks = Callbacks::new()
        .on_stream_added(|ev| println!("stream: {ev:?}"))
        .on_impairment(|ev| {
            if let Event::Impairment { kind, phase, ssrc, start_us, .. } = ev {
                println!(
                    "{:>8.3} s  impairment {kind} {phase:?} on {ssrc:#x} (from {:.3} s)",
                    ev.time_us() as f64 / 1e6,
                    *start_us as f64 / 1e6
                );
            }
        })
        .on_rupture_begin(|ev| println!("rupture began: {:?}", ev.rupture()))
        .on_rupture_end(|ev| println!("rupture ended: {:?}", ev.rupture()));
    let mut session = Session::with_callbacks(&Settings::default(), callbacks)?;

    let ssrc = 0x1234_5678;
    for seq in 0u16..500 {
        let now = i64::from(seq) * 20_000; // µs since the call started
                                           // Before each packet, run the timers that fell due while waiting.
        while let Some(d) = session.next_deadline().filter(|&d| d <= now) {
            session.advance(d)?;
        }
        if (200..300).contains(&seq) {
            continue; // the outage: these packets never arrive
        }
        session.push_packet(&pcmu(seq, ssrc), Direction::Inbound, now)?;
    }
    session.finish(500 * 20_000)?;

    let st = session.stream_stats(0)?;
    println!(
        "packets {} expected {} lost {} jitter {:.3} ms",
        st.packets, st.expected, st.lost, st.jitter_ms
    );
    Ok(())
}
