//! Videos of online lessons. A teacher uploads a video in chunks (resumable after a cut
//! link); a background job transcodes it with ffmpeg into HLS: 240p, 360p and 720p
//! renditions with aligned segments, an audio-only rendition for the slowest links, a
//! poster and the duration. The playlists and segments go to the files storage and are
//! served through the lesson's authorization; the player (Video.js) starts at the lowest
//! rendition, offers a choice, resumes where the student stopped and reports the stretches
//! watched.

pub mod repo;
pub mod routes;
pub mod serve;
pub mod transcode;

use serde::{Deserialize, Serialize};

/// What the files of a video's renditions are stored under.
pub const KEY_PREFIX: &str = "course_video";
/// The largest chunk of an upload.
pub const MAX_CHUNK: usize = 4 * 1024 * 1024;
/// The longest video accepted, in seconds, and its largest picture.
pub const MAX_SECONDS: f64 = 3.0 * 3600.0;
pub const MAX_PIXELS: u64 = 4096 * 2160;
/// Seconds per HLS segment (each rendition's segments start at the same times).
pub const SEGMENT_SECONDS: u32 = 4;
/// Watching this share of a video completes its lesson.
pub const COMPLETES_AT: i64 = 90;
/// The most stretches kept per student and video.
const MAX_STRETCHES: usize = 64;

crate::text_enum! {
    /// Where a lesson's video stands.
    pub enum VideoState {
        /// Chunks are arriving.
        Uploading = "uploading",
        /// Waiting for its transcoding, or being transcoded.
        Queued = "queued",
        Ready = "ready",
        Failed = "failed",
    }
}

/// The container formats accepted, recognised from their first bytes (the name and the
/// type the browser gives are not trusted).
pub fn sniff(head: &[u8]) -> Option<&'static str> {
    if head.len() >= 12 && &head[4..8] == b"ftyp" {
        // MP4, MOV, M4V, 3GP: the ISO base media family.
        Some("video/mp4")
    } else if head.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        Some("video/webm")
    } else if head.len() >= 12 && &head[0..4] == b"RIFF" && &head[8..12] == b"AVI " {
        Some("video/x-msvideo")
    } else if head.starts_with(&[0x00, 0x00, 0x01, 0xBA]) {
        Some("video/mpeg")
    } else if head.len() > 188 && head[0] == 0x47 && head[188] == 0x47 {
        Some("video/mp2t")
    } else if head.starts_with(b"OggS") {
        Some("video/ogg")
    } else {
        None
    }
}

/// One rendition of the ladder: its name (the folder of its playlist), its height (none
/// for audio only) and its bit rates in kbit/s.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rendition {
    pub name: String,
    pub height: Option<u32>,
    pub video_kbps: u32,
    pub audio_kbps: u32,
}

/// The renditions made of a source `height` lines high: every picture rendition up to the
/// source's (240p always), smallest first, then audio only when the source has sound.
pub fn ladder(height: u32, audio: bool) -> Vec<Rendition> {
    let mut out: Vec<Rendition> = [(240, 300, 64), (360, 650, 96), (720, 1800, 128)]
        .into_iter()
        .filter(|(h, _, _)| *h == 240 || *h <= height)
        .map(|(h, v, a)| Rendition {
            name: format!("{h}p"),
            height: Some(h),
            video_kbps: v,
            audio_kbps: if audio { a } else { 0 },
        })
        .collect();
    if audio {
        out.push(Rendition {
            name: "audio".into(),
            height: None,
            video_kbps: 0,
            audio_kbps: 48,
        });
    }
    out
}

/// ffmpeg's arguments to transcode `src` into HLS under `out` in one pass: each picture
/// rendition scaled from the same decoded frames, H.264 in 4:2:0 (what every browser
/// plays), key frames forced every segment so that all renditions cut at the same times,
/// progress written to stdout.
pub fn ffmpeg_args(src: &str, out: &str, ladder: &[Rendition]) -> Vec<String> {
    let pictures: Vec<&Rendition> = ladder.iter().filter(|r| r.height.is_some()).collect();
    let audio = ladder.iter().any(|r| r.audio_kbps > 0);
    let mut a: Vec<String> = [
        "-hide_banner",
        "-nostdin",
        "-loglevel",
        "error",
        "-y",
        "-i",
        src,
        "-progress",
        "pipe:1",
        "-nostats",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut graph = format!("[0:v:0]split={}", pictures.len());
    for i in 0..pictures.len() {
        graph.push_str(&format!("[s{i}]"));
    }
    for (i, r) in pictures.iter().enumerate() {
        let h = r.height.unwrap_or(240);
        graph.push_str(&format!(";[s{i}]scale=-2:{h},format=yuv420p[v{i}]"));
    }
    a.extend(["-filter_complex".into(), graph]);
    let mut map = Vec::new();
    let (mut vi, mut ai) = (0, 0);
    for r in ladder {
        let mut parts = Vec::new();
        if r.height.is_some() {
            a.extend(["-map".into(), format!("[v{vi}]")]);
            a.extend([
                format!("-b:v:{vi}"),
                format!("{}k", r.video_kbps),
                format!("-maxrate:v:{vi}"),
                format!("{}k", r.video_kbps * 11 / 10),
                format!("-bufsize:v:{vi}"),
                format!("{}k", r.video_kbps * 2),
            ]);
            parts.push(format!("v:{vi}"));
            vi += 1;
        }
        if r.audio_kbps > 0 {
            a.extend(["-map".into(), "0:a:0".into()]);
            a.extend([format!("-b:a:{ai}"), format!("{}k", r.audio_kbps)]);
            parts.push(format!("a:{ai}"));
            ai += 1;
        }
        parts.push(format!("name:{}", r.name));
        map.push(parts.join(","));
    }
    let gop = format!("expr:gte(t,n_forced*{SEGMENT_SECONDS})");
    for s in [
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-profile:v",
        "main",
        "-pix_fmt",
        "yuv420p",
        "-sc_threshold",
        "0",
        "-force_key_frames",
        &gop,
        // A source claiming hundreds of frames a second does not multiply the work.
        "-fpsmax",
        "30",
    ] {
        a.push(s.to_string());
    }
    if audio {
        for s in ["-c:a", "aac", "-ac", "2", "-ar", "44100"] {
            a.push(s.to_string());
        }
    }
    for s in [
        "-f",
        "hls",
        "-hls_time",
        &SEGMENT_SECONDS.to_string(),
        "-hls_playlist_type",
        "vod",
        "-hls_flags",
        "independent_segments",
        "-hls_segment_filename",
        &format!("{out}/%v/seg_%04d.ts"),
        "-master_pl_name",
        "master.m3u8",
        "-var_stream_map",
        &map.join(" "),
        &format!("{out}/%v/index.m3u8"),
    ] {
        a.push(s.to_string());
    }
    a
}

/// The type a file of a video is served with, from its name.
pub fn served_type(name: &str) -> Option<&'static str> {
    let ext = name.rsplit_once('.')?.1;
    Some(match ext {
        "m3u8" => "application/vnd.apple.mpegurl",
        "ts" => "video/mp2t",
        "jpg" => "image/jpeg",
        _ => return None,
    })
}

/// Stretches played, in whole seconds: what was stored ("0-35,60-90") with the new ones,
/// overlapping or touching ones joined, bounded by the video's length.
pub fn merge_played(stored: &str, new: &[(f64, f64)], duration_s: u32) -> Vec<(u32, u32)> {
    let mut all: Vec<(u32, u32)> = stored
        .split(',')
        .filter_map(|p| {
            let (a, b) = p.split_once('-')?;
            Some((a.trim().parse().ok()?, b.trim().parse().ok()?))
        })
        .collect();
    for (a, b) in new {
        if a.is_finite() && b.is_finite() && b > a && *a >= 0.0 {
            all.push((a.floor() as u32, b.ceil() as u32));
        }
    }
    let mut merged: Vec<(u32, u32)> = Vec::new();
    all.sort();
    for (a, b) in all {
        let (a, b) = (a.min(duration_s), b.min(duration_s));
        if b <= a {
            continue;
        }
        match merged.last_mut() {
            Some(last) if a <= last.1 + 1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    // A page that sends crumbs: keep the longest stretches.
    if merged.len() > MAX_STRETCHES {
        merged.sort_by_key(|(a, b)| std::cmp::Reverse(b - a));
        merged.truncate(MAX_STRETCHES);
        merged.sort();
    }
    merged
}

/// The stretches as stored.
pub fn played_text(stretches: &[(u32, u32)]) -> String {
    stretches
        .iter()
        .map(|(a, b)| format!("{a}-{b}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// The share of the video watched, in percent.
pub fn watched_percent(stretches: &[(u32, u32)], duration_s: u32) -> i64 {
    if duration_s == 0 {
        return 0;
    }
    let seen: u32 = stretches.iter().map(|(a, b)| b - a).sum();
    (i64::from(seen) * 100 / i64::from(duration_s)).min(100)
}

/// Stretches as the player sends them: "12.5-40,61-70.2".
pub fn parse_stretches(s: &str) -> Vec<(f64, f64)> {
    s.split(',')
        .take(MAX_STRETCHES * 2)
        .filter_map(|p| {
            let (a, b) = p.split_once('-')?;
            Some((a.trim().parse().ok()?, b.trim().parse().ok()?))
        })
        .collect()
}

/// "mm:ss" or "h:mm:ss".
pub fn clock(seconds: i64) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn containers_are_recognised_from_their_content() {
        let mut mp4 = vec![0, 0, 0, 0x20];
        mp4.extend_from_slice(b"ftypisom\0\0\x02\0");
        assert_eq!(sniff(&mp4), Some("video/mp4"));
        assert_eq!(sniff(&[0x1A, 0x45, 0xDF, 0xA3, 1, 2]), Some("video/webm"));
        assert_eq!(sniff(b"RIFF\0\0\0\0AVI LIST"), Some("video/x-msvideo"));
        let mut ts = vec![0u8; 400];
        ts[0] = 0x47;
        ts[188] = 0x47;
        assert_eq!(sniff(&ts), Some("video/mp2t"));
        // A PDF, a PNG and a script renamed .mp4 are not videos.
        assert_eq!(sniff(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3"), None);
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), None);
        assert_eq!(sniff(b"#!/bin/sh\nrm -rf /\n"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn the_ladder_never_upscales_beyond_240p_and_adds_audio_only_with_sound() {
        let names = |l: Vec<Rendition>| l.into_iter().map(|r| r.name).collect::<Vec<_>>();
        assert_eq!(names(ladder(1080, true)), ["240p", "360p", "720p", "audio"]);
        assert_eq!(names(ladder(480, true)), ["240p", "360p", "audio"]);
        assert_eq!(names(ladder(144, false)), ["240p"]);
        assert!(ladder(720, false).iter().all(|r| r.audio_kbps == 0));
    }

    #[test]
    fn ffmpeg_maps_each_rendition_with_aligned_key_frames() {
        let a = ffmpeg_args("in.mp4", "/out", &ladder(720, true));
        let map = &a[a.iter().position(|x| x == "-var_stream_map").unwrap() + 1];
        assert_eq!(
            map,
            "v:0,a:0,name:240p v:1,a:1,name:360p v:2,a:2,name:720p a:3,name:audio"
        );
        let graph = &a[a.iter().position(|x| x == "-filter_complex").unwrap() + 1];
        assert!(graph.starts_with("[0:v:0]split=3[s0][s1][s2];"), "{graph}");
        assert!(graph.contains("scale=-2:720,format=yuv420p[v2]"));
        assert!(
            a.windows(2)
                .any(|w| w[0] == "-pix_fmt" && w[1] == "yuv420p")
        );
        assert!(
            a.windows(2)
                .any(|w| w[0] == "-force_key_frames" && w[1] == "expr:gte(t,n_forced*4)")
        );
        let silent = ffmpeg_args("in.mp4", "/out", &ladder(360, false));
        assert!(!silent.contains(&"0:a:0".to_string()));
        assert!(!silent.contains(&"aac".to_string()));
    }

    #[test]
    fn stretches_merge_and_give_the_share_watched() {
        let s = merge_played("", &[(0.0, 10.2), (10.5, 20.0), (50.0, 60.0)], 100);
        assert_eq!(s, [(0, 20), (50, 60)]);
        let s = merge_played(&played_text(&s), &[(55.0, 130.0)], 100);
        assert_eq!(s, [(0, 20), (50, 100)]);
        assert_eq!(watched_percent(&s, 100), 70);
        // Rubbish and reversed or negative stretches are ignored.
        let s = merge_played("a-b,5-3", &[(-4.0, 2.0), (f64::NAN, 3.0), (9.0, 1.0)], 100);
        assert!(s.is_empty());
        assert_eq!(watched_percent(&[], 0), 0);
        // Crumbs are bounded.
        let crumbs: Vec<(f64, f64)> = (0..500)
            .map(|i| (i as f64 * 3.0, i as f64 * 3.0 + 1.0))
            .collect();
        assert!(merge_played("", &crumbs, 2000).len() <= MAX_STRETCHES);
    }

    #[test]
    fn only_playlists_segments_and_posters_are_served() {
        assert_eq!(
            served_type("master.m3u8"),
            Some("application/vnd.apple.mpegurl")
        );
        assert_eq!(served_type("240p/seg_0001.ts"), Some("video/mp2t"));
        assert_eq!(served_type("poster.jpg"), Some("image/jpeg"));
        assert_eq!(served_type("source.mp4"), None);
        assert_eq!(clock(75), "1:15");
        assert_eq!(clock(3723), "1:02:03");
    }
}
