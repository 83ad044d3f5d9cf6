// Reading QR codes (invite letters, key cards) from a photo or the camera,
// in the browser: the image never leaves the phone.
import jsQR from "jsqr";

function decode(data: ImageData): string | undefined {
  return jsQR(data.data, data.width, data.height, { inversionAttempts: "attemptBoth" })?.data;
}

function pixels(source: CanvasImageSource, width: number, height: number): ImageData {
  // Large photos are scaled down: QR codes read as well and much faster.
  const scale = Math.min(1, 1600 / Math.max(width, height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const ctx = canvas.getContext("2d", { willReadFrequently: true })!;
  ctx.drawImage(source, 0, 0, canvas.width, canvas.height);
  return ctx.getImageData(0, 0, canvas.width, canvas.height);
}

export async function readQrFromFile(file: File): Promise<string | undefined> {
  const bitmap = await createImageBitmap(file);
  try {
    return decode(pixels(bitmap, bitmap.width, bitmap.height));
  } finally {
    bitmap.close();
  }
}

// Scans camera frames into `video` until a code is read or `signal` aborts.
export async function scanWithCamera(video: HTMLVideoElement, signal: AbortSignal): Promise<string | undefined> {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
  try {
    video.srcObject = stream;
    await video.play();
    while (!signal.aborted) {
      if (video.videoWidth > 0) {
        const text = decode(pixels(video, video.videoWidth, video.videoHeight));
        if (text) return text;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    return undefined;
  } finally {
    stream.getTracks().forEach((tr) => tr.stop());
    video.srcObject = null;
  }
}
