//! Which reader a file needs, from its name, and one push-based reader over all of them,
//! so the page's worker and the CLI feed any file the same way.

use super::csv::{CsvReader, IngestOptions};
use super::npy::{read_npy, NpyStream};
use super::npz::read_npz;
use super::{DataError, Limits, ParsedTable, TableBuilder};

/// An input format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// CSV, TSV or any other text (the default).
    Csv,
    Npy,
    Npz,
    Parquet,
}

impl Format {
    /// The format a file name says (by its extension, any case); CSV otherwise.
    pub fn of_name(name: &str) -> Format {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".npy") {
            Format::Npy
        } else if lower.ends_with(".npz") {
            Format::Npz
        } else if lower.ends_with(".parquet") || lower.ends_with(".parq") {
            Format::Parquet
        } else {
            Format::Csv
        }
    }

    /// The name of a `.npy` file's array: the file name without its extension.
    pub fn array_name(file: &str) -> &str {
        let base = file.rsplit(['/', '\\']).next().unwrap_or(file);
        base.rsplit_once('.').map_or(base, |(stem, _)| stem)
    }
}

enum State {
    Csv(Box<CsvReader>),
    /// `.npy`/`.npz`: the bytes, parsed at the end (a zip's directory is at its end).
    Buffered(Format, Vec<u8>),
    /// `.npy`: rows read as the bytes arrive (an array that cannot stream turns into
    /// `Buffered`), and the bytes seen.
    Npy(Box<NpyStream>, TableBuilder, u64),
    /// Parquet: typed columns pushed by the caller (hyparquet in the page, the
    /// `parquet` reader natively).
    Columns(TableBuilder),
}

/// A file being read: bytes ([`FileReader::push`]) for CSV and NumPy, typed columns
/// ([`FileReader::columns`]) for Parquet, then [`FileReader::finish`].
pub struct FileReader {
    options: IngestOptions,
    state: State,
}

impl FileReader {
    /// A reader for the file `options.display_name`, by its [`Format`].
    pub fn new(options: IngestOptions) -> FileReader {
        let state = match Format::of_name(&options.display_name) {
            Format::Csv => State::Csv(Box::new(CsvReader::new(options.clone()))),
            Format::Parquet => State::Columns(TableBuilder::new(
                options.display_name.clone(),
                options.limits,
            )),
            Format::Npy => State::Npy(
                Box::new(NpyStream::new(
                    &options.display_name,
                    Format::array_name(&options.display_name),
                )),
                TableBuilder::new(options.display_name.clone(), options.limits),
                0,
            ),
            format => State::Buffered(format, Vec::new()),
        };
        FileReader { options, state }
    }

    /// The file's size in bytes: a buffered file (`.npz`) makes room for them at once,
    /// and a `.npy` its columns, so neither doubles a buffer as it grows (a heap that
    /// cannot shrink, the page's, keeps the largest buffer it ever held).
    pub fn expect_bytes(&mut self, bytes: usize) {
        match &mut self.state {
            State::Buffered(_, buffer) => {
                // Room that cannot be had now is left to the pushes to ask for.
                let _ = buffer.try_reserve_exact(bytes.saturating_sub(buffer.len()));
            }
            State::Npy(stream, ..) => stream.expect_bytes(bytes),
            _ => {}
        }
    }

    pub fn format(&self) -> Format {
        match &self.state {
            State::Csv(_) => Format::Csv,
            State::Buffered(format, _) => *format,
            State::Npy(..) => Format::Npy,
            State::Columns(_) => Format::Parquet,
        }
    }

    /// Feeds the next chunk of the file's bytes.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), DataError> {
        match &mut self.state {
            State::Csv(reader) => reader.push(chunk),
            State::Buffered(_, bytes) => {
                bytes.extend_from_slice(chunk);
                Ok(())
            }
            State::Npy(stream, builder, seen) => {
                *seen += chunk.len() as u64;
                if let Some(bytes) = stream.push(chunk, builder)? {
                    self.state = State::Buffered(Format::Npy, bytes);
                }
                Ok(())
            }
            State::Columns(builder) => Err(DataError::CorruptFile {
                file: builder.file().to_string(),
                problem: "a Parquet file is read as columns (FileReader::columns), not as bytes"
                    .into(),
            }),
        }
    }

    /// The builder that takes a Parquet file's columns, if this is one.
    pub fn columns(&mut self) -> Option<&mut TableBuilder> {
        match &mut self.state {
            State::Columns(builder) => Some(builder),
            _ => None,
        }
    }

    /// Ends the file and returns its table.
    pub fn finish(self) -> Result<ParsedTable, DataError> {
        let file = self.options.display_name;
        match self.state {
            State::Csv(reader) => reader.finish(),
            State::Columns(builder) => builder.finish(),
            State::Npy(stream, mut builder, seen) => match stream.finish()? {
                Some(bytes) => Self::read_whole(&file, Format::Npy, &bytes, self.options.limits),
                None => {
                    builder.set_bytes(seen);
                    builder.finish()
                }
            },
            State::Buffered(format, bytes) => {
                Self::read_whole(&file, format, &bytes, self.options.limits)
            }
        }
    }

    /// A `.npy` or `.npz` read from all its bytes.
    fn read_whole(
        file: &str,
        format: Format,
        bytes: &[u8],
        limits: Limits,
    ) -> Result<ParsedTable, DataError> {
        if bytes.is_empty() {
            return Err(DataError::EmptyFile { file: file.into() });
        }
        let mut builder = TableBuilder::new(file, limits);
        builder.set_bytes(bytes.len() as u64);
        if format == Format::Npz {
            read_npz(file, bytes, &mut builder)?;
        } else {
            read_npy(file, Format::array_name(file), bytes, &mut builder)?;
        }
        builder.end_batch()?;
        builder.finish()
    }
}
