// Test-only bundle: Excalidraw's own loading and export code, exposed to the page the e2e test
// opens (it restores our .excalidraw file, then draws it the way Excalidraw would).
export { exportToSvg, loadFromBlob, restore, restoreElements } from "@excalidraw/excalidraw";
