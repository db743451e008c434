/*
 * anatomy.c — facial regions and their layer thicknesses.
 *
 * Only some sites have measured values: Iyengar et al. 2018 (Dermatol Surg,
 * doi:10.1097/DSS.0000000000001445, ultrasound) give epidermis + dermis of
 * about 1.0 mm at the zygomatic process, suborbital, inferior malar and
 * nasolabial sites; Chopra et al. 2015 (Aesthet Surg J 35:1007,
 * doi:10.1093/asj/sjv079, histology of 39 facial subunits) give the extremes:
 * dermis 0.759 mm (upper medial eyelid) to 1.969 mm (lower nasal sidewall),
 * epidermis 29.6 um (posterior auricular) to 62.6 um (upper lip).  Every other
 * number here is an estimate inside Chopra's range and says so.
 */
#include "tissue.h"

#include <string.h>

static const scar_region regions[] = {
    {"cheek", 0.050, 1.00,
     "dermis: Iyengar 2018 (epidermis + dermis ~1.0 mm, inferior malar / zygomatic); "
     "epidermis: estimate inside Chopra 2015's 29.6-62.6 um"},
    {"nasolabial", 0.050, 1.00,
     "dermis: Iyengar 2018 (~1.0 mm at the nasolabial site); epidermis: estimate"},
    {"nose", 0.050, 1.97,
     "dermis: Chopra 2015 (lower nasal sidewall 1969 um, the thickest facial dermis); "
     "epidermis: estimate"},
    {"upper_lip", 0.063, 1.20,
     "epidermis: Chopra 2015 (upper lip 62.6 um, the thickest); dermis: estimate"},
    {"forehead", 0.050, 1.20, "estimate inside Chopra 2015's facial ranges"},
    {"temple", 0.045, 1.00, "estimate inside Chopra 2015's facial ranges"},
    {"chin", 0.050, 1.30, "estimate inside Chopra 2015's facial ranges"},
    {"jaw", 0.050, 1.20, "estimate inside Chopra 2015's facial ranges"},
};

size_t scar_region_count(void) { return sizeof regions / sizeof regions[0]; }

const scar_region *scar_region_at(size_t i)
{
    return i < scar_region_count() ? &regions[i] : NULL;
}

const scar_region *scar_region_find(const char *name)
{
    for (size_t i = 0; i < scar_region_count(); i++)
        if (strcmp(regions[i].name, name) == 0)
            return &regions[i];
    return NULL;
}
