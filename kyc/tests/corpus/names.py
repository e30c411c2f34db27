"""Name lists by naming tradition (north and south Indian, Muslim, Sikh, Christian, Bengali,
foreign residents) and the Devanagari spelling of every word and initial."""

from __future__ import annotations

from typing import Final

_HINDI: Final[dict[str, str]] = {
    # north Indian given names (male / female), middles, surnames
    "Rahul": "राहुल", "Amit": "अमित", "Rajesh": "राजेश", "Sanjay": "संजय", "Vijay": "विजय",
    "Anil": "अनिल", "Sunil": "सुनील", "Manoj": "मनोज", "Deepak": "दीपक", "Vikram": "विक्रम",
    "Arjun": "अर्जुन", "Rohit": "रोहित", "Ashok": "अशोक", "Pradeep": "प्रदीप",
    "Nikhil": "निखिल", "Aditya": "आदित्य", "Ravi": "रवि", "Mukesh": "मुकेश", "Alok": "आलोक",
    "Harsh": "हर्ष", "Suresh": "सुरेश", "Ramesh": "रमेश", "Om": "ओम", "Prakash": "प्रकाश",
    "Shyam": "श्याम", "Mahesh": "महेश", "Dinesh": "दिनेश", "Jagdish": "जगदीश",
    "Satish": "सतीश", "Naresh": "नरेश", "Rajendra": "राजेंद्र", "Surendra": "सुरेंद्र",
    "Priya": "प्रिया", "Anjali": "अंजलि", "Sunita": "सुनीता", "Kavita": "कविता",
    "Pooja": "पूजा", "Neha": "नेहा", "Deepika": "दीपिका", "Shalini": "शालिनी", "Rekha": "रेखा",
    "Geeta": "गीता", "Anita": "अनीता", "Sneha": "स्नेहा", "Ritu": "रितु", "Swati": "स्वाति",
    "Nisha": "निशा",
    "Kumar": "कुमार", "Prasad": "प्रसाद", "Chandra": "चंद्र", "Nath": "नाथ", "Mohan": "मोहन",
    "Lal": "लाल", "Pratap": "प्रताप", "Narayan": "नारायण", "Kumari": "कुमारी", "Devi": "देवी",
    "Rani": "रानी",
    "Sharma": "शर्मा", "Verma": "वर्मा", "Gupta": "गुप्ता", "Agarwal": "अग्रवाल",
    "Mishra": "मिश्रा", "Tiwari": "तिवारी", "Pandey": "पांडे", "Yadav": "यादव",
    "Chauhan": "चौहान", "Joshi": "जोशी", "Patel": "पटेल", "Shah": "शाह", "Mehta": "मेहता",
    "Jain": "जैन", "Kapoor": "कपूर", "Malhotra": "मल्होत्रा", "Kulkarni": "कुलकर्णी",
    "Deshpande": "देशपांडे", "Patil": "पाटिल", "Srivastava": "श्रीवास्तव",
    "Chaturvedi": "चतुर्वेदी", "Bhatt": "भट्ट", "Rathore": "राठौर",
    # south Indian
    "Chandrasekhar": "चंद्रशेखर", "Venkatesh": "वेंकटेश", "Srinivas": "श्रीनिवास",
    "Murugan": "मुरुगन", "Senthil": "सेंथिल", "Balaji": "बालाजी", "Karthik": "कार्तिक",
    "Ganesh": "गणेश", "Anand": "आनंद", "Arun": "अरुण", "Vignesh": "विग्नेश",
    "Saravanan": "सरवनन", "Raghavan": "राघवन",
    "Lakshmi": "लक्ष्मी", "Revathi": "रेवती", "Selvi": "सेल्वी", "Padma": "पद्मा",
    "Kamala": "कमला", "Meenakshi": "मीनाक्षी", "Shanthi": "शांति", "Kavya": "काव्या",
    "Divya": "दिव्या", "Sangeetha": "संगीता", "Bhavani": "भवानी", "Anitha": "अनिता",
    "Arumugam": "अरुमुगम", "Balasubramanian": "बालसुब्रमण्यन", "Chandran": "चंद्रन",
    "Devaraj": "देवराज", "Elango": "इलांगो", "Gopalan": "गोपालन",
    "Harikrishnan": "हरिकृष्णन", "Jayaraman": "जयरामन", "Krishnamurthy": "कृष्णमूर्ति",
    "Lakshmanan": "लक्ष्मणन", "Murugesan": "मुरुगेसन", "Natarajan": "नटराजन",
    "Palaniappan": "पलनियप्पन", "Ramaswamy": "रामास्वामी", "Subramanian": "सुब्रमण्यन",
    "Thyagarajan": "त्यागराजन", "Venkataraman": "वेंकटरमन",
    "Reddy": "रेड्डी", "Naidu": "नायडू", "Iyer": "अय्यर", "Iyengar": "अयंगर", "Nair": "नायर",
    "Menon": "मेनन", "Pillai": "पिल्लै", "Rao": "राव", "Shetty": "शेट्टी", "Gowda": "गौड़ा",
    "Hegde": "हेगड़े",
    "Venkata": "वेंकट", "Sai": "साई", "Sri": "श्री", "Naga": "नागा", "Satya": "सत्य",
    "Siva": "शिव", "Surya": "सूर्य", "Rama": "राम", "Krishna": "कृष्णा", "Ramana": "रमणा",
    "Kiran": "किरण",
    # muslim
    "Mohammed": "मोहम्मद", "Imran": "इमरान", "Farhan": "फरहान", "Salman": "सलमान",
    "Irfan": "इरफान", "Asif": "आसिफ", "Zaheer": "जहीर", "Abdul": "अब्दुल", "Rahim": "रहीम",
    "Ali": "अली", "Hussain": "हुसैन", "Aslam": "असलम", "Fatima": "फातिमा", "Ayesha": "आयशा",
    "Zainab": "जैनब", "Nasreen": "नसरीन", "Shabana": "शबाना", "Rukhsar": "रुखसार",
    "Bano": "बानो", "Begum": "बेगम", "Khan": "खान", "Ahmed": "अहमद", "Qureshi": "कुरैशी",
    "Siddiqui": "सिद्दीकी", "Shaikh": "शेख", "Ansari": "अंसारी",
    # sikh
    "Gurpreet": "गुरप्रीत", "Harpreet": "हरप्रीत", "Manpreet": "मनप्रीत",
    "Jaswinder": "जसविंदर", "Amarjeet": "अमरजीत", "Balwinder": "बलविंदर",
    "Kuldeep": "कुलदीप", "Simran": "सिमरन", "Jaspreet": "जसप्रीत", "Manjeet": "मनजीत",
    "Navneet": "नवनीत", "Singh": "सिंह", "Kaur": "कौर", "Pal": "पाल", "Gill": "गिल",
    "Sandhu": "संधू", "Bedi": "बेदी", "Dhillon": "ढिल्लों", "Grewal": "ग्रेवाल",
    # christian
    "John": "जॉन", "Joseph": "जोसेफ", "Thomas": "थॉमस", "Anthony": "एंथनी",
    "George": "जॉर्ज", "Francis": "फ्रांसिस", "Jose": "जोस", "Mary": "मैरी",
    "Mary-Ann": "मैरी-ऐन", "Teresa": "टेरेसा", "Grace": "ग्रेस", "Rose-Mary": "रोज-मैरी",
    "Jessy": "जेसी", "Fernandes": "फर्नांडिस", "D'Souza": "डिसूजा", "D'Costa": "डिकोस्टा",
    "D'Mello": "डिमेलो", "Mathew": "मैथ्यू", "Kurian": "कुरियन", "Pereira": "परेरा",
    "Rodrigues": "रोड्रिग्स", "Varghese": "वर्गीज",
    # bengali
    "Sourav": "सौरव", "Arindam": "अरिंदम", "Subhash": "सुभाष", "Debashish": "देबाशीष",
    "Partha": "पार्थ", "Sudip": "सुदीप", "Rituparna": "ऋतुपर्णा", "Moumita": "मौमिता",
    "Sharmila": "शर्मिला", "Anindita": "अनिंदिता", "Sudeshna": "सुदेष्णा",
    "Chatterjee": "चटर्जी", "Banerjee": "बनर्जी", "Mukherjee": "मुखर्जी", "Das": "दास",
    "Bose": "बोस", "Ghosh": "घोष", "Sengupta": "सेनगुप्ता", "Bhattacharya": "भट्टाचार्य",
    "Dutta": "दत्ता", "Roy-Chowdhury": "रॉय-चौधरी",
    # a few residents from elsewhere
    "Kevin": "केविन", "O'Brien": "ओब्रायन", "Anna-Lena": "अन्ना-लेना", "Schmidt": "श्मिट",
    "Li": "ली", "Wei": "वेई", "Maria": "मारिया", "Gonzalez": "गोंजालेज", "Barack": "बराक",
    "Obama": "ओबामा", "Jean-Pierre": "ज्यां-पियरे", "Dubois": "दुबोइस", "Yuki": "युकी",
    "Tanaka": "तनाका", "Al-Farsi": "अल-फारसी", "Kalam": "कलाम", "Patrick": "पैट्रिक",
    "Michael": "माइकल", "Peter": "पीटर", "David": "डेविड", "Hiroshi": "हिरोशी", "Jun": "जुन",
    "Carlos": "कार्लोस",
}  # fmt: skip

_HINDI_LETTERS: Final[dict[str, str]] = {
    "A": "ए", "B": "बी", "C": "सी", "D": "डी", "E": "ई", "F": "एफ", "G": "जी", "H": "एच",
    "I": "आई", "J": "जे", "K": "के", "L": "एल", "M": "एम", "N": "एन", "O": "ओ", "P": "पी",
    "R": "आर", "S": "एस", "T": "टी", "U": "यू", "V": "वी", "Y": "वाई",
}  # fmt: skip

_NORTH_M = (
    "Rahul Amit Rajesh Sanjay Vijay Anil Sunil Manoj Deepak Vikram Arjun Rohit Ashok "
    "Pradeep Nikhil Aditya Ravi Mukesh Alok Harsh Suresh Ramesh"
).split()
_NORTH_F = (
    "Priya Anjali Sunita Kavita Pooja Neha Deepika Shalini Rekha Geeta Anita Sneha Ritu Swati Nisha"
).split()
_NORTH_FATHER = (
    "Om Prakash Shyam Mahesh Dinesh Jagdish Satish Naresh Rajendra Surendra Ramesh "
    "Suresh Ashok Mukesh Anil"
).split()
_NORTH_MID_M = "Kumar Prasad Chandra Nath Mohan Lal Pratap Narayan".split()
_NORTH_MID_F = "Kumari Devi Rani".split()
_NORTH_SUR = (
    "Sharma Verma Gupta Agarwal Mishra Tiwari Pandey Yadav Chauhan Joshi Patel Shah "
    "Mehta Jain Kapoor Malhotra Kulkarni Deshpande Patil Srivastava Chaturvedi "
    "Bhatt"
).split()
_SOUTH_M = (
    "Chandrasekhar Venkatesh Srinivas Murugan Senthil Balaji Karthik Ganesh Anand Arun "
    "Vignesh Saravanan Raghavan Prakash Suresh"
).split()
_SOUTH_F = (
    "Lakshmi Revathi Selvi Padma Kamala Meenakshi Shanthi Kavya Divya Sangeetha Bhavani Anitha"
).split()
_SOUTH_FATHER = (
    "Arumugam Balasubramanian Chandran Devaraj Elango Gopalan Harikrishnan "
    "Jayaraman Krishnamurthy Lakshmanan Murugesan Natarajan Palaniappan Ramaswamy "
    "Subramanian Thyagarajan Venkataraman"
).split()
_SOUTH_SUR = "Reddy Naidu Iyer Iyengar Nair Menon Pillai Rao Shetty Gowda Hegde".split()
_SOUTH_PREFIX = "Venkata Sai Sri Naga Satya Siva Surya Rama".split()
_SOUTH_ENDING = "Prasad Kumar Krishna Ramana Kiran".split()
_MUSLIM_M = "Mohammed Imran Farhan Salman Irfan Asif Zaheer".split()
_MUSLIM_MID = "Abdul Rahim Ali Hussain Aslam".split()
_MUSLIM_F = "Fatima Ayesha Zainab Nasreen Shabana Rukhsar".split()
_MUSLIM_SUR = "Khan Ahmed Qureshi Siddiqui Shaikh Ansari".split()
_SIKH_M = "Gurpreet Harpreet Manpreet Jaswinder Amarjeet Balwinder Kuldeep".split()
_SIKH_F = "Harpreet Simran Jaspreet Manjeet Navneet".split()
_SIKH_FAMILY = "Gill Sandhu Bedi Dhillon Grewal".split()
_CHRISTIAN_M = "John Joseph Thomas Anthony George Francis Jose".split()
_CHRISTIAN_F = "Mary Mary-Ann Teresa Grace Rose-Mary Jessy Anita".split()
_CHRISTIAN_SUR = (
    "Fernandes D'Souza D'Costa D'Mello Mathew Kurian Pereira Rodrigues Varghese Thomas"
).split()
_BENGALI_M = "Sourav Arindam Subhash Debashish Partha Sudip".split()
_BENGALI_F = "Rituparna Moumita Sharmila Anindita Sudeshna".split()
_BENGALI_SUR = (
    "Chatterjee Banerjee Mukherjee Das Bose Ghosh Sengupta Bhattacharya Dutta Roy-Chowdhury"
).split()
_FOREIGN: Final = (
    ("MALE", ("Kevin", "O'Brien")),
    ("FEMALE", ("Anna-Lena", "Schmidt")),
    ("MALE", ("Li", "Wei")),
    ("FEMALE", ("Maria", "Gonzalez")),
    ("MALE", ("Barack", "H", "Obama")),
    ("MALE", ("Jean-Pierre", "Dubois")),
    ("FEMALE", ("Yuki", "Tanaka")),
    ("MALE", ("Ahmed", "Al-Farsi")),
)
_FOREIGN_FATHER = "Patrick Michael Peter David Hiroshi Jun Carlos".split()
_INITIALS = "ABCDGHJKLMNPRSTV"


#: Holders of other states' passports (``passport_other_states``): given names by gender and
#: surnames, as the state prints them, with the letters its MRZ transliterates.
_STATE_NAMES: Final[dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]]] = {
    "DEU": (
        ("Jürgen", "Björn", "Jörg", "Matthias", "Lukas Günther"),
        ("Käthe", "Bärbel", "Jana", "Sophie Luise", "Lena"),
        ("Müller", "Schröder", "Weiß", "Groß", "Köhler", "Schäfer", "Meyer-Lüdenscheid"),
    ),
    "GBR": (
        ("Seán", "Oliver James", "Rhys", "Eoin"),
        ("Siobhán Mary", "Niamh", "Zoë", "Chloë Anne"),
        ("O'Neill", "Smith", "Brontë", "Jones", "Gallagher", "Ahmed"),
    ),
    "FRA": (
        ("Jérôme", "François", "Noël", "Loïc", "Jean-Baptiste"),
        ("Élodie", "Hélène", "Chloé", "Maëlle", "Anaïs"),
        ("Lefèvre", "Bérard", "Côté", "Dupont-Martin", "Gaillard", "Réaux"),
    ),
    "NOR": (
        ("Bjørn", "Håkon", "Øystein", "Ørjan"),
        ("Åse", "Sølvi", "Ingrid Marie", "Kari"),
        ("Østergård", "Bråten", "Løvås", "Hansen", "Sæther"),
    ),
    "ESP": (
        ("José Luis", "Andrés", "Iñigo", "Raúl"),
        ("María José", "Begoña", "Inés", "Lucía"),
        ("Núñez", "Ibáñez", "Martínez", "Peña", "García"),
    ),
}
