//! PNG and TIFF files from RGBA pixels, with the resolution written in:
//! PNG's pHYs chunk holds pixels per metre (PNG 1.2, section 4.2.4.2), TIFF
//! holds XResolution / YResolution per ResolutionUnit = inch (TIFF 6.0,
//! section 8). Alpha is dropped: figures are drawn on white.

/// RGB bytes of `rgba`, checked against the size.
fn rgb(rgba: &[u8], width: u32, height: u32) -> Result<Vec<u8>, String> {
    let pixels = (width as u64) * (height as u64);
    if width == 0 || height == 0 || pixels > 400_000_000 {
        return Err(format!(
            "A figure of {width} × {height} pixels cannot be written."
        ));
    }
    if rgba.len() as u64 != 4 * pixels {
        return Err(format!(
            "{} bytes of pixels do not make a {width} × {height} image.",
            rgba.len()
        ));
    }
    Ok(rgba
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect())
}

fn check_dpi(dpi: u32) -> Result<(), String> {
    if (72..=2400).contains(&dpi) {
        Ok(())
    } else {
        Err(format!(
            "The resolution must be between 72 and 2400 dpi; {dpi} is not."
        ))
    }
}

/// Pixels per metre of `dpi`, as the pHYs chunk stores it.
pub fn pixels_per_metre(dpi: u32) -> u32 {
    (dpi as f64 / 0.0254).round() as u32
}

pub fn png(rgba: &[u8], width: u32, height: u32, dpi: u32) -> Result<Vec<u8>, String> {
    check_dpi(dpi)?;
    let data = rgb(rgba, width, height)?;
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::High);
        let ppm = pixels_per_metre(dpi);
        encoder.set_pixel_dims(Some(png::PixelDimensions {
            xppu: ppm,
            yppu: ppm,
            unit: png::Unit::Meter,
        }));
        let mut writer = encoder
            .write_header()
            .map_err(|e| format!("could not write the PNG: {e}"))?;
        writer
            .write_image_data(&data)
            .map_err(|e| format!("could not write the PNG: {e}"))?;
    }
    Ok(out)
}

pub fn tiff(rgba: &[u8], width: u32, height: u32, dpi: u32) -> Result<Vec<u8>, String> {
    use tiff::encoder::{colortype, Compression, Rational, TiffEncoder};
    use tiff::tags::ResolutionUnit;
    check_dpi(dpi)?;
    let data = rgb(rgba, width, height)?;
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let failed = |e: tiff::TiffError| format!("could not write the TIFF: {e}");
        let mut encoder = TiffEncoder::new(&mut out)
            .map_err(failed)?
            .with_compression(Compression::Lzw);
        let mut image = encoder
            .new_image::<colortype::RGB8>(width, height)
            .map_err(failed)?;
        image.resolution(ResolutionUnit::Inch, Rational { n: dpi, d: 1 });
        image.write_data(&data).map_err(failed)?;
    }
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk<'a>(png: &'a [u8], name: &[u8; 4]) -> Option<&'a [u8]> {
        let mut at = 8;
        while at + 8 <= png.len() {
            let len = u32::from_be_bytes(png[at..at + 4].try_into().ok()?) as usize;
            if &png[at + 4..at + 8] == name {
                return png.get(at + 8..at + 8 + len);
            }
            at += 12 + len;
        }
        None
    }

    #[test]
    fn png_records_its_dpi() {
        let (w, h) = (3u32, 2u32);
        let rgba: Vec<u8> = (0..w * h).flat_map(|i| [i as u8, 0, 255, 255]).collect();
        let file = png(&rgba, w, h, 600).unwrap();
        assert_eq!(&file[..8], b"\x89PNG\r\n\x1a\n");
        let phys = chunk(&file, b"pHYs").expect("a pHYs chunk");
        // 600 dpi = 600 / 0.0254 = 23622.05 pixels per metre; unit byte 1 = metre.
        assert_eq!(u32::from_be_bytes(phys[0..4].try_into().unwrap()), 23622);
        assert_eq!(u32::from_be_bytes(phys[4..8].try_into().unwrap()), 23622);
        assert_eq!(phys[8], 1);
        let ihdr = chunk(&file, b"IHDR").unwrap();
        assert_eq!(u32::from_be_bytes(ihdr[0..4].try_into().unwrap()), w);
        assert_eq!(u32::from_be_bytes(ihdr[4..8].try_into().unwrap()), h);
        // And a decoder reads the pixels back.
        let decoder = png::Decoder::new(std::io::Cursor::new(file));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!(&buf[..info.buffer_size()][..6], &[0, 0, 255, 1, 0, 255]);
    }

    #[test]
    fn tiff_records_its_dpi() {
        let rgba = vec![255u8; 4 * 5 * 4];
        let file = tiff(&rgba, 5, 4, 1200).unwrap();
        let mut decoder = tiff::decoder::Decoder::new(std::io::Cursor::new(file)).unwrap();
        assert_eq!(decoder.dimensions().unwrap(), (5, 4));
        use tiff::decoder::ifd::Value;
        use tiff::tags::Tag;
        for tag in [Tag::XResolution, Tag::YResolution] {
            match decoder.get_tag(tag).unwrap() {
                Value::Rational(n, d) => assert_eq!((n, d), (1200, 1)),
                other => panic!("{tag:?} is {other:?}"),
            }
        }
        assert_eq!(
            decoder.get_tag_u32(Tag::ResolutionUnit).unwrap(),
            2,
            "2 = inch"
        );
    }

    #[test]
    fn wrong_sizes_are_refused() {
        assert!(png(&[0; 7], 1, 2, 600).is_err());
        assert!(tiff(&[0; 8], 0, 2, 600).is_err());
        assert!(png(&[0; 4], 1, 1, 10).is_err());
    }
}
