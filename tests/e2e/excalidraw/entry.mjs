// Test-only bundle: Excalidraw's own loading code, exposed to the page the e2e test opens.
export { loadFromBlob, restore, restoreElements } from "@excalidraw/excalidraw";
