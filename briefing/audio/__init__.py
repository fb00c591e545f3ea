"""Stage 4, audio: the spoken clips made into an episode. mix.py levels and joins the clips with
their pauses and the sting; master.py brings the whole to the loudness target and encodes it;
tags.py writes ID3 tags and chapters; transcript.py times the transcripts and chapters from the
segment boundaries; pace.py measures a voice's pace for the time budget."""
