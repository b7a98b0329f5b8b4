//! Student photos, for the cards and the student's page. An upload is hostile: its type is
//! read from its bytes, its size and dimensions are bounded before anything is decoded,
//! and what is kept is a small JPEG made here (3:4, 300 × 400), never the upload itself.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageReader, Limits};

/// The largest upload taken (a phone's photo).
pub const MAX_UPLOAD: usize = 10 * 1024 * 1024;
/// The largest side decoded.
const MAX_SIDE: u32 = 8_000;
/// The most pixels decoded (a 40-megapixel camera).
const MAX_PIXELS: u64 = 40_000_000;
/// The memory the decoder may take.
const MAX_ALLOC: u64 = 256 * 1024 * 1024;
/// The size kept.
pub const WIDTH: u32 = 300;
pub const HEIGHT: u32 = 400;

/// Why an upload is not a photo we keep (a catalog key each).
#[derive(Debug, PartialEq, Eq)]
pub enum Rejected {
    /// Not a JPEG, PNG or WebP image.
    Type,
    /// Over the size or dimensions allowed.
    TooLarge,
    /// Recognised, but it does not decode.
    Broken,
}

impl Rejected {
    pub fn key(&self) -> &'static str {
        match self {
            Rejected::Type => "error-photo-type",
            Rejected::TooLarge => "error-photo-too-large",
            Rejected::Broken => "error-photo-broken",
        }
    }
}

/// The photo to keep from an upload: upright, cut to 3:4 around its centre, 300 × 400,
/// JPEG. CPU-bound: call it off the async runtime.
pub fn normalize(bytes: &[u8]) -> Result<Vec<u8>, Rejected> {
    if bytes.len() > MAX_UPLOAD {
        return Err(Rejected::TooLarge);
    }
    crate::files::image_type(bytes).ok_or(Rejected::Type)?;
    let reader = || {
        let mut r = ImageReader::new(Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|_| Rejected::Broken)?;
        let mut limits = Limits::default();
        limits.max_image_width = Some(MAX_SIDE);
        limits.max_image_height = Some(MAX_SIDE);
        limits.max_alloc = Some(MAX_ALLOC);
        r.limits(limits);
        Ok::<_, Rejected>(r)
    };
    // The header first: a picture too large is refused before a pixel is decoded.
    let (w, h) = reader()?
        .into_dimensions()
        .map_err(|e| too_large_or(e, Rejected::Broken))?;
    if w == 0 || h == 0 {
        return Err(Rejected::Broken);
    }
    if w > MAX_SIDE || h > MAX_SIDE || u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(Rejected::TooLarge);
    }
    let mut decoder = reader()?
        .into_decoder()
        .map_err(|e| too_large_or(e, Rejected::Broken))?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img =
        DynamicImage::from_decoder(decoder).map_err(|e| too_large_or(e, Rejected::Broken))?;
    img.apply_orientation(orientation);
    Ok(jpeg(&img.resize_to_fill(
        WIDTH,
        HEIGHT,
        image::imageops::FilterType::Triangle,
    )))
}

fn too_large_or(e: image::ImageError, other: Rejected) -> Rejected {
    match e {
        image::ImageError::Limits(_) => Rejected::TooLarge,
        _ => other,
    }
}

fn jpeg(img: &DynamicImage) -> Vec<u8> {
    let mut out = Vec::new();
    let rgb = img.to_rgb8();
    let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85);
    // Encoding an image in memory to memory does not fail.
    let _ = enc.encode_image(&rgb);
    out
}

/// A drawn portrait for the demo school's students (a head and shoulders on a plain
/// background, in colours that vary with `seed`): the demo shows cards with photos
/// without shipping anyone's face.
pub fn drawn_portrait(seed: u64) -> Vec<u8> {
    let palette = [
        [196, 215, 230],
        [226, 214, 190],
        [205, 226, 204],
        [230, 205, 214],
        [214, 210, 232],
    ];
    let skins = [[92, 60, 42], [120, 80, 55], [74, 48, 33], [140, 96, 66]];
    let shirts = [
        [236, 236, 236],
        [40, 80, 140],
        [180, 150, 60],
        [60, 120, 90],
    ];
    let pick =
        |n: u64, len: usize| (seed.wrapping_mul(2654435761).rotate_left(n as u32) as usize) % len;
    let bg = palette[pick(3, palette.len())];
    let skin = skins[pick(11, skins.len())];
    let shirt = shirts[pick(19, shirts.len())];
    let hair = [25u8, 20, 18];
    let mut img = image::RgbImage::new(WIDTH, HEIGHT);
    let (cx, cy) = (WIDTH as f32 / 2.0, 165.0);
    for (x, y, px) in img.enumerate_pixels_mut() {
        let (fx, fy) = (x as f32, y as f32);
        let head = ((fx - cx) / 70.0).powi(2) + ((fy - cy) / 88.0).powi(2);
        let hair_cap = ((fx - cx) / 76.0).powi(2) + ((fy - cy + 22.0) / 80.0).powi(2);
        let neck = (fx - cx).abs() < 30.0 && fy > cy + 60.0 && fy < 290.0;
        let shoulders = ((fx - cx) / 150.0).powi(2) + ((fy - 420.0) / 150.0).powi(2) < 1.0;
        *px = image::Rgb(if shoulders {
            shirt
        } else if head < 1.0 && !(hair_cap < 1.0 && fy < cy - 40.0) {
            skin
        } else if hair_cap < 1.0 && fy < cy - 10.0 {
            hair
        } else if neck {
            skin
        } else {
            bg
        });
    }
    jpeg(&DynamicImage::ImageRgb8(img))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_pixel(w, h, image::Rgb([200, 10, 10]));
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut c = !0u32;
        for b in bytes {
            c ^= u32::from(*b);
            for _ in 0..8 {
                c = if c & 1 == 1 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
        }
        !c
    }

    #[test]
    fn a_photo_is_kept_small_and_in_3_by_4() {
        let kept = normalize(&png(1200, 800)).unwrap();
        assert_eq!(crate::files::image_type(&kept), Some("image/jpeg"));
        let img = image::load_from_memory(&kept).unwrap();
        assert_eq!((img.width(), img.height()), (WIDTH, HEIGHT));
    }

    #[test]
    fn hostile_uploads_are_refused_before_decoding() {
        assert_eq!(normalize(b"<svg onload=alert(1)>"), Err(Rejected::Type));
        // A PNG header that claims 100 000 × 100 000 pixels, with no pixel behind it.
        let mut bomb = png(1, 1);
        bomb[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        bomb[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        // The header's checksum, made again so that only the size is a lie.
        let crc = crc32(&bomb[12..29]);
        bomb[29..33].copy_from_slice(&crc.to_be_bytes());
        assert_eq!(normalize(&bomb), Err(Rejected::TooLarge));
        // A JPEG that stops after its first bytes.
        assert_eq!(
            normalize(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]),
            Err(Rejected::Broken)
        );
        assert_eq!(
            normalize(&vec![0u8; MAX_UPLOAD + 1]),
            Err(Rejected::TooLarge)
        );
    }

    #[test]
    fn demo_portraits_are_photos() {
        let p = drawn_portrait(7);
        assert_eq!(crate::files::image_type(&p), Some("image/jpeg"));
        assert_ne!(p, drawn_portrait(8));
    }
}
