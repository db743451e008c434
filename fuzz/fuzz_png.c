/*
 * fuzz_png.c — libFuzzer harness for the PNG reader (src/surface/io_png.c).
 * Each input is read twice: with no scale given (the file's scarsim:* text
 * chunks must supply it) and with --px-um, --z-step-um and --z-offset-um
 * given, so both the file's scale and the options' reach the map.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fz_input_path(data, size);
    scar_read_opts o;
    scar_read_opts_default(&o);
    o.format = SCAR_FMT_PNG;
    fz_read(path, &o, "png (no scale)", data, size);
    o.px_um = 20;
    o.z_step_um = 0.25;
    o.z_offset_um = -50;
    fz_read(path, &o, "png (scale given)", data, size);
    return 0;
}
