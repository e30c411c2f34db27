/* The KYC selfie from the camera (issue 14): templates/kyc/_selfie_camera.html.
 *
 * "Use my camera" asks for the camera and shows a live preview; "Take the photo" draws the
 * current frame into a canvas, makes a JPEG and puts it into the selfie file field through a
 * DataTransfer, so the normal form post carries it as if it had been chosen from the disk;
 * "Retake" starts again. A refused or missing camera leaves the file field to use.
 */
(function () {
  "use strict";

  const box = document.querySelector("[data-selfie-camera]");
  if (!box || !(navigator.mediaDevices && navigator.mediaDevices.getUserMedia)) return;
  if (typeof DataTransfer === "undefined") return;
  const input = document.getElementById(box.dataset.input);
  const start = box.querySelector("[data-selfie-start]");
  const live = box.querySelector("[data-selfie-live]");
  const video = box.querySelector("[data-selfie-video]");
  const take = box.querySelector("[data-selfie-take]");
  const cancel = box.querySelector("[data-selfie-cancel]");
  const taken = box.querySelector("[data-selfie-taken]");
  const preview = box.querySelector("[data-selfie-preview]");
  const retake = box.querySelector("[data-selfie-retake]");
  const status = box.querySelector("[data-selfie-status]");
  let stream = null;
  let previewUrl = null;
  box.hidden = false;

  function stop() {
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    video.srcObject = null;
  }

  async function open() {
    status.textContent = "";
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: { width: { ideal: 1280 }, height: { ideal: 720 }, facingMode: "user" },
        audio: false,
      });
    } catch (error) {
      status.textContent = "We could not use your camera. Choose a photo file instead.";
      start.hidden = false;
      return;
    }
    video.srcObject = stream;
    await video.play();
    start.hidden = true;
    taken.hidden = true;
    live.hidden = false;
  }

  function snap() {
    const canvas = document.createElement("canvas");
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
    canvas.toBlob((blob) => {
      if (!blob) {
        status.textContent = "The photo did not work. Try again.";
        return;
      }
      const files = new DataTransfer();
      files.items.add(new File([blob], "selfie.jpg", { type: "image/jpeg" }));
      input.files = files.files;
      if (previewUrl) URL.revokeObjectURL(previewUrl);
      previewUrl = URL.createObjectURL(blob);
      preview.src = previewUrl;
      stop();
      live.hidden = true;
      taken.hidden = false;
      status.textContent = "Your selfie is ready. It is sent with the form.";
    }, "image/jpeg", 0.92);
  }

  start.addEventListener("click", open);
  take.addEventListener("click", snap);
  retake.addEventListener("click", open);
  cancel.addEventListener("click", () => {
    stop();
    live.hidden = true;
    start.hidden = false;
  });
  /* A file chosen by hand replaces the camera's photo. */
  input.addEventListener("change", () => {
    if (input.files.length && input.files[0].name !== "selfie.jpg") {
      taken.hidden = true;
      status.textContent = "";
    }
  });
})();
