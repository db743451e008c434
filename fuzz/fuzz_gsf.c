/*
 * fuzz_gsf.c — libFuzzer harness for the Gwyddion Simple Field reader
 * (src/surface/io_gsf.c).  A GSF carries its own scale, so the options do
 * not matter; the format is forced, as the memfd path has no extension.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    scar_read_opts o;
    scar_read_opts_default(&o);
    o.format = SCAR_FMT_GSF;
    fz_read(fz_input_path(data, size), &o, "gsf", data, size);
    return 0;
}
