# The browser side of `scarsim serve` (docs/web.md).  Included from the top Makefile.
#   make web        npm ci when web/node_modules is missing or older than the lock file, then
#                   copy three.js (and OrbitControls, its import made relative) into web/vendor/
#   make check-web  make web, then the browser test (tests/web/e2e.mjs) and the load test
#                   (tests/web/load.mjs) against $(BIN)
WEB_DIR     := web
WEB_NODE    := $(WEB_DIR)/node_modules
WEB_VENDOR  := $(WEB_DIR)/vendor
WEB_THREE   := $(WEB_NODE)/three
WEB_STAMP   := $(WEB_NODE)/.scarsim-installed
WEB_BIN     ?= $(if $(BIN),$(BIN),build/scarsim)

.PHONY: web check-web web-clean

web: $(WEB_VENDOR)/three.module.min.js $(WEB_VENDOR)/OrbitControls.js

# npm ci wipes node_modules, so the stamp is written after it; never let a browser download
$(WEB_STAMP): $(WEB_DIR)/package-lock.json $(WEB_DIR)/package.json
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix $(WEB_DIR) --no-audit --no-fund
	@touch $@

$(WEB_VENDOR)/three.module.min.js: $(WEB_STAMP)
	@mkdir -p $(WEB_VENDOR)
	cp $(WEB_THREE)/build/three.module.min.js $@
	cp $(WEB_THREE)/LICENSE $(WEB_VENDOR)/three.LICENSE

# an import map would be an inline script (forbidden by the CSP): point the import at the file
$(WEB_VENDOR)/OrbitControls.js: $(WEB_STAMP)
	@mkdir -p $(WEB_VENDOR)
	sed "s#from 'three';#from './three.module.min.js';#" \
	    $(WEB_THREE)/examples/jsm/controls/OrbitControls.js > $@.tmp
	@grep -q "from './three.module.min.js';" $@.tmp || { echo "OrbitControls: import not rewritten"; exit 1; }
	mv $@.tmp $@

check-web: web $(if $(SCARSIM),,$(WEB_BIN))
	@mkdir -p $(BUILD)/web-artifacts
	SCARSIM=$${SCARSIM:-$(WEB_BIN)} node tests/web/e2e.mjs
	SCARSIM=$${SCARSIM:-$(WEB_BIN)} node tests/web/load.mjs

web-clean:
	rm -rf $(WEB_VENDOR) $(WEB_NODE)
