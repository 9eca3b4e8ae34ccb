//! The C enums as Rust enums. Each keeps unknown values in `Other(i32)`, so
//! nothing the library reports is lost; names follow the C `*_name` functions
//! and the JSON schema.
use rupture_sys as sys;
use std::fmt;

macro_rules! c_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $c:path => $s:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vm])* $v,)*
            /// A value this binding does not know.
            Other(i32),
        }
        impl $name {
            /// From the C value.
            pub fn from_raw(x: i32) -> Self {
                match x {
                    $(v if v == $c => Self::$v,)*
                    o => Self::Other(o),
                }
            }
            /// The C value.
            pub fn to_raw(self) -> i32 {
                match self {
                    $(Self::$v => $c,)*
                    Self::Other(o) => o,
                }
            }
            /// Lower-case name as in the JSON report ("unknown" for `Other`).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$v => $s,)*
                    Self::Other(_) => "unknown",
                }
            }
            /// Every known value.
            pub const ALL: &'static [$name] = &[$(Self::$v),*];
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.pad(self.as_str())
            }
        }
    };
}

c_enum!(
    /// Direction of a stream or packet, seen from the local user.
    Direction {
        /// Media the local user receives.
        Inbound = sys::RUP_DIR_INBOUND => "inbound",
        /// Media the local user sends.
        Outbound = sys::RUP_DIR_OUTBOUND => "outbound",
    }
);

c_enum!(
    /// Kind of media.
    Media {
        /// Not known (yet).
        Unknown = sys::RUP_MEDIA_UNKNOWN => "unknown",
        /// Audio.
        Audio = sys::RUP_MEDIA_AUDIO => "audio",
        /// Video.
        Video = sys::RUP_MEDIA_VIDEO => "video",
    }
);

c_enum!(
    /// Codec of a stream (names as `rup_codec_name`).
    Codec {
        /// Not known.
        Unknown = sys::RUP_CODEC_UNKNOWN => "unknown",
        /// Opus.
        Opus = sys::RUP_CODEC_OPUS => "opus",
        /// VP8.
        Vp8 = sys::RUP_CODEC_VP8 => "vp8",
        /// VP9.
        Vp9 = sys::RUP_CODEC_VP9 => "vp9",
        /// H.264.
        H264 = sys::RUP_CODEC_H264 => "h264",
        /// G.711 µ-law.
        Pcmu = sys::RUP_CODEC_PCMU => "pcmu",
        /// G.711 A-law.
        Pcma = sys::RUP_CODEC_PCMA => "pcma",
        /// G.722.
        G722 = sys::RUP_CODEC_G722 => "g722",
        /// G.729.
        G729 = sys::RUP_CODEC_G729 => "g729",
        /// AV1.
        Av1 = sys::RUP_CODEC_AV1 => "av1",
        /// Comfort noise.
        Cn = sys::RUP_CODEC_CN => "cn",
        /// DTMF events.
        TelephoneEvent = sys::RUP_CODEC_TELEPHONE_EVENT => "telephone-event",
    }
);

impl Codec {
    /// Media kind of the codec (`rup_codec_media`).
    pub fn media(self) -> Media {
        // SAFETY: pure function.
        Media::from_raw(unsafe { sys::rup_codec_media(self.to_raw()) })
    }
}

c_enum!(
    /// Kind of stream-level impairment.
    ImpairmentKind {
        /// Audio concealment run >= 150 ms.
        Interruption = sys::RUP_IMPAIRMENT_INTERRUPTION => "interruption",
        /// Video freeze.
        Freeze = sys::RUP_IMPAIRMENT_FREEZE => "freeze",
        /// No packets on the stream for the stall timeout.
        Stall = sys::RUP_IMPAIRMENT_STALL => "stall",
    }
);

c_enum!(
    /// What a person on the call experiences.
    RuptureType {
        /// The voice drops out.
        AudioDropout = sys::RUP_RUPTURE_AUDIO_DROPOUT => "audio_dropout",
        /// Many short audio interruptions in a window.
        ChoppyAudio = sys::RUP_RUPTURE_CHOPPY_AUDIO => "choppy_audio",
        /// The picture freezes while audio flows.
        VideoFreeze = sys::RUP_RUPTURE_VIDEO_FREEZE => "video_freeze",
        /// Audio and video broken together.
        AvOutage = sys::RUP_RUPTURE_AV_OUTAGE => "av_outage",
        /// Nothing arrives from the participant.
        ConnectionLost = sys::RUP_RUPTURE_CONNECTION_LOST => "connection_lost",
        /// Delay high enough to break turn-taking.
        Lag = sys::RUP_RUPTURE_LAG => "lag",
    }
);

c_enum!(
    /// Technical cause of a rupture.
    Cause {
        /// Not known.
        Unknown = sys::RUP_CAUSE_UNKNOWN => "unknown",
        /// Packets lost in the network.
        PacketLoss = sys::RUP_CAUSE_PACKET_LOSS => "packet_loss",
        /// Packets arrived after their playout time.
        LatePackets = sys::RUP_CAUSE_LATE_PACKETS => "late_packets",
        /// Nothing got through.
        NetworkOutage = sys::RUP_CAUSE_NETWORK_OUTAGE => "network_outage",
        /// One stream stopped while others of the participant flow.
        SenderStopped = sys::RUP_CAUSE_SENDER_STOPPED => "sender_stopped",
        /// Frames could not be decoded.
        Decoder = sys::RUP_CAUSE_DECODER => "decoder",
        /// The sender keeps sending the same picture.
        FrozenContent = sys::RUP_CAUSE_FROZEN_CONTENT => "frozen_content",
        /// Path delay.
        Delay = sys::RUP_CAUSE_DELAY => "delay",
    }
);

c_enum!(
    /// Severity of a rupture.
    Severity {
        /// Short, nothing important missed.
        Minor = sys::RUP_SEVERITY_MINOR => "minor",
        /// Noticeable; speech may have been missed.
        Moderate = sys::RUP_SEVERITY_MODERATE => "moderate",
        /// Long, repeated, or the connection is gone.
        Severe = sys::RUP_SEVERITY_SEVERE => "severe",
    }
);

c_enum!(
    /// Repair hint: what the host may prompt.
    Repair {
        /// Nothing to prompt.
        None = sys::RUP_REPAIR_NONE => "none",
        /// Name the glitch lightly.
        Acknowledge = sys::RUP_REPAIR_ACKNOWLEDGE => "acknowledge",
        /// Ask the remote to repeat.
        AskRepeat = sys::RUP_REPAIR_ASK_REPEAT => "ask_repeat",
        /// Offer to repeat.
        OfferRepeat = sys::RUP_REPAIR_OFFER_REPEAT => "offer_repeat",
        /// Ask how the interruption felt.
        CheckIn = sys::RUP_REPAIR_CHECK_IN => "check_in",
        /// Turn video off.
        SuggestAudioOnly = sys::RUP_REPAIR_SUGGEST_AUDIO_ONLY => "suggest_audio_only",
        /// Switch to the backup channel.
        UseBackupChannel = sys::RUP_REPAIR_USE_BACKUP_CHANNEL => "use_backup_channel",
        /// Reconnect the call.
        Reconnect = sys::RUP_REPAIR_RECONNECT => "reconnect",
    }
);
