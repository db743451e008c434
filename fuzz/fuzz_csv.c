/*
 * fuzz_csv.c — libFuzzer harness for the CSV reader (src/surface/io_csv.c).
 * Each input is read twice: with no scale given (only a '# scarsim
 * heightmap px_um=...' header supplies it) and with --px-um and --z-unit nm
 * given, which override or complete the header.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fz_input_path(data, size);
    scar_read_opts o;
    scar_read_opts_default(&o);
    o.format = SCAR_FMT_CSV;
    fz_read(path, &o, "csv (no scale)", data, size);
    o.px_um = 20;
    o.z_step_um = 0.25;
    o.z_unit = "nm";
    fz_read(path, &o, "csv (scale given)", data, size);
    return 0;
}
