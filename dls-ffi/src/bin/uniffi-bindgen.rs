//! The uniffi binding generator, built from this workspace so generated code always matches the
//! uniffi version of the library:
//! `cargo run -p dls-ffi --bin uniffi-bindgen -- generate --library <libdls_ffi.so> --language kotlin --out-dir <dir>`.

fn main() {
    uniffi::uniffi_bindgen_main()
}
