// The 3-D view of a height map: a three.js mesh of `surface.z_um` with the heights exaggerated,
// coloured like the 2-D map, turned with the mouse (OrbitControls), drawn only when something
// changes. three.js is copied into web/vendor/ by `make web`; without it the page says so and
// the 2-D maps still work.

import { colourAt, zRange, checkSurface } from './heightmap.js';

let threePromise = null;

/** Load three.js and OrbitControls once; resolves to {THREE, OrbitControls} or rejects. */
export function loadThree() {
  if (!threePromise) {
    threePromise = Promise.all([
      import('../vendor/three.module.min.js'),
      import('../vendor/OrbitControls.js'),
    ]).then(([THREE, oc]) => ({ THREE, OrbitControls: oc.OrbitControls }));
  }
  return threePromise;
}

function note(container, text) {
  container.replaceChildren();
  const p = document.createElement('p');
  p.className = 'view3d-note';
  p.innerHTML = text; // fixed text of this file only
  container.append(p);
  container.dataset.state = 'unavailable';
}

export class SurfaceView {
  constructor(container) {
    this.container = container;
    this.exaggeration = 3;
    this.ready = null;
    this.surface = null;
  }

  async init() {
    if (this.ready) return this.ready;
    this.ready = (async () => {
      let lib;
      try {
        lib = await loadThree();
      } catch (e) {
        note(this.container, 'The 3-D view needs three.js, which is not installed next to the page: run <code>make web</code> and reload. The 2-D map shows the same heights.');
        throw e;
      }
      const { THREE, OrbitControls } = lib;
      this.THREE = THREE;
      let renderer;
      try {
        renderer = new THREE.WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
      } catch (e) {
        note(this.container, 'This browser could not start WebGL, so there is no 3-D view here. The 2-D map shows the same heights.');
        throw e;
      }
      renderer.setPixelRatio(Math.min(2, window.devicePixelRatio || 1));
      renderer.setClearColor(0xf4f1ec, 1);
      this.renderer = renderer;
      this.scene = new THREE.Scene();
      this.camera = new THREE.PerspectiveCamera(35, 1, 0.05, 1000);
      this.camera.up.set(0, 0, 1);
      this.scene.add(new THREE.HemisphereLight(0xffffff, 0x7a6a60, 1.6));
      const sun = new THREE.DirectionalLight(0xffffff, 2.2);
      sun.position.set(-1, 1.2, 2);
      this.scene.add(sun);
      this.container.replaceChildren(renderer.domElement);
      renderer.domElement.setAttribute('aria-label', this.container.getAttribute('aria-label') || '3-D view');
      renderer.domElement.setAttribute('role', 'img');
      this.controls = new OrbitControls(this.camera, renderer.domElement);
      this.controls.enableDamping = false;
      this.controls.addEventListener('change', () => this.render());
      this.resize();
      new ResizeObserver(() => this.resize()).observe(this.container);
      this.container.dataset.state = 'ready';
    })();
    return this.ready;
  }

  resize() {
    if (!this.renderer) return;
    const w = Math.max(100, this.container.clientWidth);
    const h = Math.max(100, this.container.clientHeight || Math.round(w * 0.75));
    this.renderer.setSize(w, h, false);
    this.renderer.domElement.style.width = '100%';
    this.renderer.domElement.style.height = '100%';
    this.camera.aspect = w / h;
    this.camera.updateProjectionMatrix();
    this.render();
  }

  render() {
    if (this.renderer) this.renderer.render(this.scene, this.camera);
  }

  /** Show `surface`; `range` {zmin, zmax} shares the colours with another view. */
  async show(surface, range) {
    checkSurface(surface);
    try {
      await this.init();
    } catch {
      return false;
    }
    const THREE = this.THREE;
    const { nx, ny } = surface;
    const dx = surface.dx_um / 1000, dy = (surface.dy_um || surface.dx_um) / 1000;
    const { zmin, zmax } = range || zRange(surface);
    const W = nx * dx, H = ny * dy;
    const pos = new Float32Array(nx * ny * 3);
    const col = new Float32Array(nx * ny * 3);
    const zmid = (zmin + zmax) / 2;
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const k = j * nx + i;
        pos[3 * k] = (i + 0.5) * dx - W / 2;
        pos[3 * k + 1] = H / 2 - (j + 0.5) * dy; // rows run down, as on the 2-D map
        pos[3 * k + 2] = 0;
        const c = colourAt((surface.z_um[k] - zmin) / (zmax - zmin));
        for (let m = 0; m < 3; m++) col[3 * k + m] = Math.pow(c[m] / 255, 2.2);
      }
    }
    const idx = new Uint32Array((nx - 1) * (ny - 1) * 6);
    let t = 0;
    for (let j = 0; j < ny - 1; j++) {
      for (let i = 0; i < nx - 1; i++) {
        const a = j * nx + i, b = a + 1, c = a + nx, d = c + 1;
        idx[t++] = a; idx[t++] = c; idx[t++] = b;
        idx[t++] = b; idx[t++] = c; idx[t++] = d;
      }
    }
    const geo = new THREE.BufferGeometry();
    geo.setAttribute('position', new THREE.BufferAttribute(pos, 3));
    geo.setAttribute('color', new THREE.BufferAttribute(col, 3));
    geo.setIndex(new THREE.BufferAttribute(idx, 1));
    if (this.mesh) {
      this.scene.remove(this.mesh);
      this.mesh.geometry.dispose();
      this.mesh.material.dispose();
    }
    this.mesh = new THREE.Mesh(geo, new THREE.MeshStandardMaterial({ vertexColors: true, roughness: 0.85, metalness: 0, side: THREE.DoubleSide }));
    this.scene.add(this.mesh);
    const firstTime = !this.surface || this.surface.nx * this.surface.dx_um !== surface.nx * surface.dx_um;
    this.surface = surface;
    this.zmid = zmid;
    this.applyHeights();
    if (firstTime) {
      const r = Math.max(W, H);
      this.camera.position.set(0, -1.35 * r, 1.05 * r);
      this.controls.target.set(0, 0, 0);
      this.controls.update();
    }
    this.container.dataset.vertices = String(nx * ny);
    this.container.dataset.surface = surface.name || '';
    this.render();
    return true;
  }

  applyHeights() {
    if (!this.mesh) return;
    const p = this.mesh.geometry.attributes.position;
    const z = this.surface.z_um;
    for (let k = 0; k < z.length; k++) p.array[3 * k + 2] = ((z[k] - this.zmid) / 1000) * this.exaggeration;
    p.needsUpdate = true;
    this.mesh.geometry.computeVertexNormals();
    this.mesh.geometry.computeBoundingSphere();
  }

  setExaggeration(e) {
    this.exaggeration = Number(e) || 1;
    this.container.dataset.exaggeration = String(this.exaggeration);
    this.applyHeights();
    this.render();
  }
}
